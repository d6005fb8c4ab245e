using System.Globalization;

using Drydock.Runtime;
using Drydock.Values;

namespace Drydock.Testing;

/// <summary>
/// Reads the <c>DRYDOCK_*</c> variables the publish sets (and users set in an IDE). A bad value throws
/// at once, naming the variable and the expected form.
/// </summary>
internal static class Settings
{
    public const string CpusHint = "set a number of cores greater than 0, such as 1 or 0.5.";
    public const string MemoryHint = "set " + Sizes.Syntax + ".";
    public const string PidsHint = "set a whole number greater than 0, or leave it empty for the runtime's default.";
    public const string ReadOnlyHint = "set true or false.";
    public const string LatencyHint = "set " + Durations.Syntax + ", or 50ms+-10ms for uniform jitter (jitter at most the latency).";
    public const string TimeoutHint = "set a duration greater than 0: " + Durations.Syntax + ".";
    public const string PortHint = "set the container port the app listens on, 1 to 65535, or none for an app that listens on none.";
    public const string ReadyLogPatternHint = "set a .NET regular expression that a line of the app's output matches once it is ready, such as 'Application started'.";
    public const string TmpfsHint = "set true (a writable tmpfs at /tmp) or false (strict: nothing writable).";
    public const string ReadyPathHint = "set an absolute HTTP path such as /health.";
    public const string PlatformHint = "set os/architecture[/variant], such as linux/arm64, or leave it empty to start the image as it is.";
    public const string RuntimeHint = "set docker or podman, or leave it empty to detect (docker if an engine answers, else podman, as the SDK does).";

    /// <summary>
    /// The options from <paramref name="variable"/>; with no <c>DRYDOCK_IMAGE</c>, from the last publish's
    /// <c>obj/drydock-image.json</c> above <paramref name="baseDirectory"/> (its image, runtime and profile;
    /// variables that are set still win), else DRY5104 with the publish command.
    /// </summary>
    public static ImageOptions Read(Func<string, string?> variable, string? baseDirectory = null)
    {
        string? origin = null;
        if (variable(DrydockVariables.Image) is not { Length: > 0 } && baseDirectory is not null)
        {
            var (published, path) = LastPublish.Find(baseDirectory) ?? throw LastPublish.NotFound(baseDirectory);
            origin = LastPublish.Describe(published, path);
            var own = variable;
            var recorded = new Dictionary<string, string>(published.Profile, StringComparer.Ordinal)
            {
                [DrydockVariables.Image] = published.Image,
                [DrydockVariables.ImageDigest] = published.ImageDigest,
                [DrydockVariables.Runtime] = published.Runtime,
            };
            variable = name => own(name) is { Length: > 0 } value ? value : recorded.GetValueOrDefault(name);
        }

        string? Get(string name) => variable(name) is { Length: > 0 } value ? value.Trim() : null;

        var image = Get(DrydockVariables.Image) ?? throw new InvalidOperationException(
            $"{ImageTestCodes.NoImage}: {DrydockVariables.Image} is not set. `dotnet publish` sets it when it runs the image tests; " +
            "from an IDE, set it to an image reference or id (e.g. in a .runsettings file or launch profile), " +
            "or construct ImageUnderTest with explicit ImageOptions.");

        var profile = new TestProfile();
        if (Get(DrydockVariables.Cpus) is { } cpus)
        {
            profile = profile with
            {
                Cpus = double.TryParse(cpus, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0 && double.IsFinite(value)
                    ? value
                    : throw Invalid(DrydockVariables.Cpus, cpus, CpusHint),
            };
        }

        if (Get(DrydockVariables.Memory) is { } memory)
        {
            profile = profile with { Memory = Sizes.Parse(memory) is > 0 ? memory : throw Invalid(DrydockVariables.Memory, memory, MemoryHint) };
        }

        if (Get(DrydockVariables.PidsLimit) is { } pids)
        {
            profile = profile with
            {
                PidsLimit = int.TryParse(pids, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
                    ? value
                    : throw Invalid(DrydockVariables.PidsLimit, pids, PidsHint),
            };
        }

        if (Get(DrydockVariables.ReadOnly) is { } readOnly)
        {
            profile = profile with { ReadOnly = bool.TryParse(readOnly, out var value) ? value : throw Invalid(DrydockVariables.ReadOnly, readOnly, ReadOnlyHint) };
        }

        if (Get(DrydockVariables.Latency) is { } latency)
        {
            var (delay, jitter) = ParseLatency(latency) ?? throw Invalid(DrydockVariables.Latency, latency, LatencyHint);
            profile = profile with { Latency = delay, Jitter = jitter };
        }

        if (Get(DrydockVariables.Timeout) is { } timeout)
        {
            profile = profile with { Timeout = Durations.Parse(timeout) is { } value && value > TimeSpan.Zero ? value : throw Invalid(DrydockVariables.Timeout, timeout, TimeoutHint) };
        }

        if (Get(DrydockVariables.Port) is { } port)
        {
            profile = profile with
            {
                Port = port.Equals("none", StringComparison.OrdinalIgnoreCase) ? null
                    : int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is > 0 and <= 65535
                    ? value
                    : throw Invalid(DrydockVariables.Port, port, PortHint),
            };
        }

        if (Get(DrydockVariables.ReadyPath) is { } readyPath)
        {
            profile = profile with { ReadyPath = readyPath.StartsWith('/') ? readyPath : throw Invalid(DrydockVariables.ReadyPath, readyPath, ReadyPathHint) };
        }

        if (Get(DrydockVariables.ReadyLogPattern) is { } pattern)
        {
            profile = profile with { ReadyLogPattern = IsPattern(pattern) ? pattern : throw Invalid(DrydockVariables.ReadyLogPattern, pattern, ReadyLogPatternHint) };
        }

        if (Get(DrydockVariables.Tmpfs) is { } tmpfs)
        {
            profile = profile with { Tmpfs = bool.TryParse(tmpfs, out var value) ? value : throw Invalid(DrydockVariables.Tmpfs, tmpfs, TmpfsHint) };
        }

        var runtime = Get(DrydockVariables.Runtime)?.ToLowerInvariant();
        if (runtime is not null && !ContainerEngine.IsKnown(runtime))
        {
            throw Invalid(DrydockVariables.Runtime, runtime, RuntimeHint);
        }

        var platform = Get(DrydockVariables.ImagePlatform);
        if (platform is not null && platform.Split('/') is not ([{ Length: > 0 }, { Length: > 0 }] or [{ Length: > 0 }, { Length: > 0 }, { Length: > 0 }]))
        {
            throw Invalid(DrydockVariables.ImagePlatform, platform, PlatformHint);
        }

        return new ImageOptions
        {
            Image = image,
            ImageDigest = Get(DrydockVariables.ImageDigest),
            Platform = platform,
            Runtime = runtime,
            RunId = Get(DrydockVariables.RunId) ?? ImageOptions.ProcessRunId,
            ResultsDirectory = Get(DrydockVariables.ResultsDirectory),
            Origin = origin,
            Profile = profile,
        };
    }

    public static InvalidOperationException Invalid(string name, object? value, string hint) =>
        new($"{ImageTestCodes.InvalidSetting}: {name} is '{value}'; {hint}");

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

    /// <summary><c>50ms</c> or <c>50ms+-10ms</c> (also <c>50ms±10ms</c>); null when malformed.</summary>
    public static (TimeSpan Latency, TimeSpan Jitter)? ParseLatency(string text)
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
}
