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
    public const string PortHint = "set the container port the app listens on, 1 to 65535.";
    public const string ReadyPathHint = "set an absolute HTTP path such as /health.";
    public const string RuntimeHint = "set docker or podman, or leave it empty to detect (docker if an engine answers, else podman, as the SDK does).";

    public static ImageOptions Read(Func<string, string?> variable)
    {
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
                Port = int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is > 0 and <= 65535
                    ? value
                    : throw Invalid(DrydockVariables.Port, port, PortHint),
            };
        }

        if (Get(DrydockVariables.ReadyPath) is { } readyPath)
        {
            profile = profile with { ReadyPath = readyPath.StartsWith('/') ? readyPath : throw Invalid(DrydockVariables.ReadyPath, readyPath, ReadyPathHint) };
        }

        var runtime = Get(DrydockVariables.Runtime)?.ToLowerInvariant();
        if (runtime is not null && !ContainerEngine.IsKnown(runtime))
        {
            throw Invalid(DrydockVariables.Runtime, runtime, RuntimeHint);
        }

        return new ImageOptions
        {
            Image = image,
            ImageDigest = Get(DrydockVariables.ImageDigest),
            Runtime = runtime,
            RunId = Get(DrydockVariables.RunId) ?? ImageOptions.ProcessRunId,
            Profile = profile,
        };
    }

    public static InvalidOperationException Invalid(string name, object? value, string hint) =>
        new($"{ImageTestCodes.InvalidSetting}: {name} is '{value}'; {hint}");

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
