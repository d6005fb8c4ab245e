using Drydock.Processes;
using Drydock.Runtime;

namespace Drydock.Build.Tests.Support;

/// <summary>The machine's real podman (eng/setup.sh), for tests that check what the engine holds.</summary>
internal static class Podman
{
    /// <summary>The offline redis image in the loopback registry (eng/service-images.sh): a small server to start.</summary>
    public static readonly string Redis =
        $"{(Environment.GetEnvironmentVariable("DRYDOCK_TEST_REGISTRY") is { Length: > 0 } registry ? registry : "localhost:5000")}/library/redis:7";

    public static ProcessResult Run(params string[] arguments) =>
        ProcessRunner.Run("podman", arguments, TimeSpan.FromMinutes(2), CancellationToken.None);

    /// <summary>Pulls <see cref="Redis"/> (the loopback registry speaks plain HTTP).</summary>
    public static void PullRedis() => Assert.True(Run("pull", "--quiet", "--tls-verify=false", Redis).Succeeded);

    /// <summary>The full ids of the containers, running or not, labelled with the run <paramref name="runId"/>.</summary>
    public static string[] ContainersOfRun(string runId) =>
        Run("ps", "--all", "--quiet", "--no-trunc", "--filter", $"label={RunLabels.Run}={runId}").StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
