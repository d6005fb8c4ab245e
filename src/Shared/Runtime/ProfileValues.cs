using System.Globalization;

using Drydock.Values;

namespace Drydock.Runtime;

/// <summary>
/// The forms of the test profile's values (<see cref="DrydockVariables.Profile"/>) and what to write instead of
/// a malformed one (linked source: Drydock.Testing reads the variables with them, and a publish checks the
/// <c>ContainerTest*</c> properties with them before its tests start). docs/image-tests.md lists the forms.
/// </summary>
internal static class ProfileValues
{
    public const string CpusHint = "set a number of cores greater than 0, such as 1 or 0.5.";
    public const string MemoryHint = "set " + Sizes.Syntax + ", at least 6m: a bare number is bytes, and engines refuse a limit under 6 MiB.";

    /// <summary>The smallest memory limit engines accept (Docker Engine's: 6 MiB; podman's is lower).</summary>
    public const long MinMemoryBytes = 6 * 1024 * 1024;
    public const string PidsHint = "set a whole number greater than 0, or leave it empty for the runtime's default.";
    public const string ReadOnlyHint = "set true or false.";
    public const string LatencyHint = "set " + Durations.Syntax + ", or 50ms+-10ms for uniform jitter (jitter at most the latency).";
    public const string TimeoutHint = "set a duration greater than 0: " + Durations.Syntax + ".";
    public const string PortHint = "set the container port the app listens on, 1 to 65535, or none for an app that listens on none.";
    public const string ReadyLogPatternHint = "set a .NET regular expression that a line of the app's output matches once it is ready, such as 'Application started'.";
    public const string TmpfsHint = "set true (a writable tmpfs at /tmp) or false (strict: nothing writable).";
    public const string ReadyPathHint = "set an absolute HTTP path such as /health.";
    public const string HostHint = "set the host name or IP address where the engine's published ports answer (docker, 10.0.0.5, ::1), without scheme or port; or leave it empty to take the engine's own host.";

    /// <summary>A DNS host name or an IPv4/IPv6 address (IPv6 with or without brackets).</summary>
    public static bool IsHost(string text) => Uri.CheckHostName(text.Trim('[', ']')) != UriHostNameType.Unknown;

    /// <summary>A number of cores greater than 0; null when malformed.</summary>
    public static double? Cpus(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0 && double.IsFinite(value) ? value : null;

    /// <summary>A memory limit engines accept: a size of at least <see cref="MinMemoryBytes"/>.</summary>
    public static bool IsMemory(string? text) => Sizes.Parse(text) is >= MinMemoryBytes;

    /// <summary>A whole number greater than 0; null when malformed.</summary>
    public static int? PidsLimit(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : null;

    /// <summary><c>true</c> or <c>false</c> (any case); null otherwise.</summary>
    public static bool? Flag(string text) => bool.TryParse(text, out var value) ? value : null;

    /// <summary>A duration greater than 0; null when malformed.</summary>
    public static TimeSpan? Timeout(string text) => Durations.Parse(text) is { } value && value > TimeSpan.Zero ? value : null;

    /// <summary><c>50ms</c> or <c>50ms+-10ms</c> (also <c>50ms±10ms</c>); null when malformed.</summary>
    public static (TimeSpan Latency, TimeSpan Jitter)? Latency(string text)
    {
        var parts = text.Split(["+-", "±"], 2, StringSplitOptions.TrimEntries);
        if (Durations.Parse(parts[0]) is not { } latency)
        {
            return null;
        }

        var jitter = TimeSpan.Zero;
        if (parts.Length == 2 && (Durations.Parse(parts[1]) is not { } parsed || (jitter = parsed) > latency))
        {
            return null;
        }

        return (latency, jitter);
    }

    /// <summary>Whether <paramref name="pattern"/> is a .NET regular expression.</summary>
    public static bool IsPattern(string pattern)
    {
        try
        {
            _ = new System.Text.RegularExpressions.Regex(pattern, System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
            return pattern.Length > 0;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>What to write instead of <paramref name="value"/> for the profile variable <paramref name="variable"/>; null when it is well-formed.</summary>
    public static string? Problem(string variable, string value) => variable switch
    {
        DrydockVariables.Cpus => Cpus(value) is null ? CpusHint : null,
        DrydockVariables.Memory => IsMemory(value) ? null : MemoryHint,
        DrydockVariables.PidsLimit => PidsLimit(value) is null ? PidsHint : null,
        DrydockVariables.ReadOnly => Flag(value) is null ? ReadOnlyHint : null,
        DrydockVariables.Latency => Latency(value) is null ? LatencyHint : null,
        DrydockVariables.Timeout => Timeout(value) is null ? TimeoutHint : null,
        DrydockVariables.Port => value.Equals("none", StringComparison.OrdinalIgnoreCase)
            || int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535 ? null : PortHint,
        DrydockVariables.ReadyPath => value.StartsWith('/') ? null : ReadyPathHint,
        DrydockVariables.ReadyLogPattern => IsPattern(value) ? null : ReadyLogPatternHint,
        DrydockVariables.Tmpfs => Flag(value) is null ? TmpfsHint : null,
        DrydockVariables.Host => IsHost(value) ? null : HostHint,
        _ => null,
    };
}
