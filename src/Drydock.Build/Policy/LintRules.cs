using Drydock.Build.Diagnostics;

namespace Drydock.Build.Policy;

/// <summary>The lint's codes with their titles and default severities: one place, read by the rules and by SARIF.</summary>
public static class LintRules
{
    private static readonly Dictionary<string, (string Title, Severity Severity)> Rules = new(StringComparer.Ordinal)
    {
        [KnownCodes.RunsAsRoot] = ("The image runs as root", Severity.Error),
        [KnownCodes.DevelopmentBuild] = ("Debug build or Development environment", Severity.Warning),
        [KnownCodes.SecretInConfig] = ("Secret in an environment variable or label", Severity.Error),
        [KnownCodes.SensitiveFile] = ("Key, secret or repository in the app layers", Severity.Error),
        [KnownCodes.DevelopmentFile] = ("Development-only file in the app layers", Severity.Warning),
        [KnownCodes.SetuidFile] = ("Setuid or setgid file in the app layers", Severity.Warning),
        [KnownCodes.WorldWritableFile] = ("World-writable file in the app directory", Severity.Warning),
        [KnownCodes.TooManyPorts] = ("More exposed ports than DrydockMaxExposedPorts", Severity.Warning),
        [KnownCodes.PrivilegedPort] = ("Privileged port with a non-root user", Severity.Error),
        [KnownCodes.NoIcu] = ("The app needs ICU and the image has none", Severity.Error),
        [KnownCodes.NotMinimalBase] = ("Shell or package manager in the image", Severity.Warning),
        // A note unless DrydockRequirePinnedBase: advice, not a fault (LintContext.RequirePinnedBase).
        [KnownCodes.UnpinnedBaseImage] = ("Base image referenced by a mutable tag", Severity.Note),
        [KnownCodes.OverSizeBudget] = ("Image larger than ContainerImageSizeBudget", Severity.Error),
        [KnownCodes.EntrypointNotAccessible] = ("The image's user cannot reach or run its entrypoint", Severity.Error),
        [KnownCodes.LargeDebugSymbols] = ("Large debug symbol files in the app layers", Severity.Warning),
    };

    public static IEnumerable<string> Codes => Rules.Keys;

    public static string Title(string code) => Rules[code].Title;

    public static Severity DefaultSeverity(string code) => Rules[code].Severity;

    internal static Finding Finding(string code, string message, string? location) =>
        new(code, DefaultSeverity(code), message, location);

    /// <summary>A finding whose severity depends on what it found (advice is a <see cref="Severity.Note"/> unless the project asks for a warning).</summary>
    internal static Finding Finding(string code, Severity severity, string message, string? location) =>
        new(code, severity, message, location);
}
