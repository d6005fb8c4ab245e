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
        IReadOnlyDictionary<string, string>? connection = null;
        if (variable(DrydockVariables.Image) is not { Length: > 0 } && baseDirectory is not null)
        {
            var (published, path) = LastPublish.Find(baseDirectory) ?? throw LastPublish.NotFound(baseDirectory);
            origin = LastPublish.Describe(published, path);
            // The image is in the engine the publish loaded it into: a remote one when the publish had DOCKER_HOST and the IDE has not.
            if (published.Connection is { Count: > 0 } recordedEngine && EngineEndpoint.Variables.All(name => variable(name) is not { Length: > 0 }))
            {
                connection = recordedEngine;
                origin += $", in the engine at {string.Join(", ", recordedEngine.Select(pair => $"{pair.Key}={pair.Value}"))}";
            }

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
            profile = profile with { Cpus = ProfileValues.Cpus(cpus) ?? throw Invalid(DrydockVariables.Cpus, cpus, ProfileValues.CpusHint) };
        }

        if (Get(DrydockVariables.Memory) is { } memory)
        {
            profile = profile with { Memory = ProfileValues.IsMemory(memory) ? memory : throw Invalid(DrydockVariables.Memory, memory, ProfileValues.MemoryHint) };
        }

        if (Get(DrydockVariables.PidsLimit) is { } pids)
        {
            profile = profile with { PidsLimit = ProfileValues.PidsLimit(pids) ?? throw Invalid(DrydockVariables.PidsLimit, pids, ProfileValues.PidsHint) };
        }

        if (Get(DrydockVariables.ReadOnly) is { } readOnly)
        {
            profile = profile with { ReadOnly = ProfileValues.Flag(readOnly) ?? throw Invalid(DrydockVariables.ReadOnly, readOnly, ProfileValues.ReadOnlyHint) };
        }

        if (Get(DrydockVariables.Latency) is { } latency)
        {
            var (delay, jitter) = ProfileValues.Latency(latency) ?? throw Invalid(DrydockVariables.Latency, latency, ProfileValues.LatencyHint);
            profile = profile with { Latency = delay, Jitter = jitter };
        }

        if (Get(DrydockVariables.Timeout) is { } timeout)
        {
            profile = profile with { Timeout = ProfileValues.Timeout(timeout) ?? throw Invalid(DrydockVariables.Timeout, timeout, ProfileValues.TimeoutHint) };
        }

        if (Get(DrydockVariables.Port) is { } port)
        {
            profile = profile with
            {
                Port = port.Equals("none", StringComparison.OrdinalIgnoreCase) ? null
                    : int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is > 0 and <= 65535
                    ? value
                    : throw Invalid(DrydockVariables.Port, port, ProfileValues.PortHint),
            };
        }

        if (Get(DrydockVariables.ReadyPath) is { } readyPath)
        {
            profile = profile with { ReadyPath = readyPath.StartsWith('/') ? readyPath : throw Invalid(DrydockVariables.ReadyPath, readyPath, ProfileValues.ReadyPathHint) };
        }

        if (Get(DrydockVariables.ReadyLogPattern) is { } pattern)
        {
            profile = profile with { ReadyLogPattern = ProfileValues.IsPattern(pattern) ? pattern : throw Invalid(DrydockVariables.ReadyLogPattern, pattern, ProfileValues.ReadyLogPatternHint) };
        }

        if (Get(DrydockVariables.Tmpfs) is { } tmpfs)
        {
            profile = profile with { Tmpfs = ProfileValues.Flag(tmpfs) ?? throw Invalid(DrydockVariables.Tmpfs, tmpfs, ProfileValues.TmpfsHint) };
        }

        var runtime = Get(DrydockVariables.Runtime)?.ToLowerInvariant();
        if (runtime is not null && !ContainerEngine.IsKnown(runtime))
        {
            throw Invalid(DrydockVariables.Runtime, runtime, RuntimeHint);
        }

        var host = Get(DrydockVariables.Host);
        if (host is not null && !ProfileValues.IsHost(host))
        {
            throw Invalid(DrydockVariables.Host, host, ProfileValues.HostHint);
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
            Host = host,
            Connection = connection,
        };
    }

    public static InvalidOperationException Invalid(string name, object? value, string hint) =>
        new($"{ImageTestCodes.InvalidSetting}: {name} is '{value}'; {hint}");
}
