using System.Globalization;
using System.Text.RegularExpressions;

namespace Drydock.Testing;

/// <summary>
/// Reads the <c>DRYDOCK_*</c> variables the publish sets (and users set in an IDE). A bad value throws
/// at once, naming the variable and the expected form.
/// </summary>
internal static partial class Settings
{
    public const string CpusHint = "set a number of cores greater than 0, such as 1 or 0.5.";
    public const string MemoryHint = "set a size such as 256m or 1g (b, k, m, g; powers of 1024).";
    public const string PidsHint = "set a whole number greater than 0, or leave it empty for the runtime's default.";
    public const string ReadOnlyHint = "set true or false.";
    public const string LatencyHint = "set a duration such as 50ms, or 50ms+-10ms for uniform jitter (jitter at most the latency).";
    public const string TimeoutHint = "set a duration greater than 0, such as 30s or 1500ms.";
    public const string PortHint = "set the container port the app listens on, 1 to 65535.";
    public const string ReadyPathHint = "set an absolute HTTP path such as /health.";
    public const string RuntimeHint = "set podman or docker, or leave it empty to detect (podman if it works, else docker).";

    public static ImageOptions Read(Func<string, string?> variable)
    {
        string? Get(string name) => variable(name) is { Length: > 0 } value ? value.Trim() : null;

        var image = Get("DRYDOCK_IMAGE") ?? throw new InvalidOperationException(
            $"{Codes.NoImage}: DRYDOCK_IMAGE is not set. `dotnet publish` sets it when it runs the image tests; " +
            "from an IDE, set it to an image reference or id (e.g. in a .runsettings file or launch profile), " +
            "or construct ImageUnderTest with explicit ImageOptions.");

        var profile = new TestProfile();
        if (Get("DRYDOCK_TEST_CPUS") is { } cpus)
        {
            profile = profile with
            {
                Cpus = double.TryParse(cpus, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0 && double.IsFinite(value)
                    ? value
                    : throw Invalid("DRYDOCK_TEST_CPUS", cpus, CpusHint),
            };
        }

        if (Get("DRYDOCK_TEST_MEMORY") is { } memory)
        {
            profile = profile with { Memory = ParseMemory(memory) is > 0 ? memory : throw Invalid("DRYDOCK_TEST_MEMORY", memory, MemoryHint) };
        }

        if (Get("DRYDOCK_TEST_PIDS_LIMIT") is { } pids)
        {
            profile = profile with
            {
                PidsLimit = int.TryParse(pids, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
                    ? value
                    : throw Invalid("DRYDOCK_TEST_PIDS_LIMIT", pids, PidsHint),
            };
        }

        if (Get("DRYDOCK_TEST_READ_ONLY") is { } readOnly)
        {
            profile = profile with { ReadOnly = bool.TryParse(readOnly, out var value) ? value : throw Invalid("DRYDOCK_TEST_READ_ONLY", readOnly, ReadOnlyHint) };
        }

        if (Get("DRYDOCK_TEST_LATENCY") is { } latency)
        {
            var (delay, jitter) = ParseLatency(latency) ?? throw Invalid("DRYDOCK_TEST_LATENCY", latency, LatencyHint);
            profile = profile with { Latency = delay, Jitter = jitter };
        }

        if (Get("DRYDOCK_TEST_TIMEOUT") is { } timeout)
        {
            profile = profile with { Timeout = ParseDuration(timeout) is { } value && value > TimeSpan.Zero ? value : throw Invalid("DRYDOCK_TEST_TIMEOUT", timeout, TimeoutHint) };
        }

        if (Get("DRYDOCK_TEST_PORT") is { } port)
        {
            profile = profile with
            {
                Port = int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is > 0 and <= 65535
                    ? value
                    : throw Invalid("DRYDOCK_TEST_PORT", port, PortHint),
            };
        }

        if (Get("DRYDOCK_TEST_READY_PATH") is { } readyPath)
        {
            profile = profile with { ReadyPath = readyPath.StartsWith('/') ? readyPath : throw Invalid("DRYDOCK_TEST_READY_PATH", readyPath, ReadyPathHint) };
        }

        var runtime = Get("DRYDOCK_RUNTIME")?.ToLowerInvariant();
        if (runtime is not (null or "podman" or "docker"))
        {
            throw Invalid("DRYDOCK_RUNTIME", runtime, RuntimeHint);
        }

        return new ImageOptions
        {
            Image = image,
            ImageDigest = Get("DRYDOCK_IMAGE_DIGEST"),
            Runtime = runtime,
            RunId = Get("DRYDOCK_RUN_ID") ?? ImageOptions.ProcessRunId,
            Profile = profile,
        };
    }

    public static InvalidOperationException Invalid(string name, object? value, string hint) =>
        new($"{Codes.InvalidSetting}: {name} is '{value}'; {hint}");

    /// <summary><c>256m</c>, <c>1g</c>, <c>1048576</c>: the runtime's memory syntax; null when malformed.</summary>
    public static long? ParseMemory(string text)
    {
        var match = MemoryPattern().Match(text);
        if (!match.Success || !long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return null;
        }

        var shift = match.Groups[2].Value.ToLowerInvariant() switch { "k" => 10, "m" => 20, "g" => 30, _ => 0 };
        return number > long.MaxValue >> shift ? null : number << shift;
    }

    /// <summary><c>50ms</c> or <c>50ms+-10ms</c> (also <c>50ms±10ms</c>); null when malformed.</summary>
    public static (TimeSpan Latency, TimeSpan Jitter)? ParseLatency(string text)
    {
        var parts = text.Split(["+-", "±"], 2, StringSplitOptions.TrimEntries);
        if (ParseDuration(parts[0]) is not { } latency || latency < TimeSpan.Zero)
        {
            return null;
        }

        var jitter = TimeSpan.Zero;
        if (parts.Length == 2 && (ParseDuration(parts[1]) is not { } parsed || (jitter = parsed) < TimeSpan.Zero || jitter > latency))
        {
            return null;
        }

        return (latency, jitter);
    }

    /// <summary><c>0</c>, <c>250ms</c>, <c>1.5s</c>, <c>2m</c>: a number with a unit (ms, s, m); null when malformed.</summary>
    public static TimeSpan? ParseDuration(string text)
    {
        if (text == "0")
        {
            return TimeSpan.Zero;
        }

        var match = DurationPattern().Match(text);
        if (!match.Success || !double.TryParse(match.Groups[1].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            return null;
        }

        return match.Groups[2].Value switch
        {
            "ms" => TimeSpan.FromMilliseconds(number),
            "s" => TimeSpan.FromSeconds(number),
            _ => TimeSpan.FromMinutes(number),
        };
    }

    [GeneratedRegex("^([0-9]+)([bkmgBKMG]?)$")]
    private static partial Regex MemoryPattern();

    [GeneratedRegex("^([0-9]+(?:\\.[0-9]+)?)(ms|s|m)$")]
    private static partial Regex DurationPattern();
}
