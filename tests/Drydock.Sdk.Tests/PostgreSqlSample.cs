using Drydock.Sdk.Tests.Support;

namespace Drydock.Sdk.Tests;

/// <summary>
/// samples/TodoApi as a user has it: its image tests start a real PostgreSQL with Testcontainers on
/// the engine the publish loaded the image into (LocalRegistry), the app's container joins the
/// database's network, and no container or network of the run is left afterwards — also when the
/// tests leave their database behind, as a crashed test host would.
/// </summary>
public sealed class PostgreSqlSample : IDisposable
{
    private const string Repository = "samples/todo-api";

    // Records what the run looked like from inside: its run id and the engine Testcontainers was pointed at.
    private const string Recorder = """
        using Drydock.Testing;
        using Xunit;

        namespace TodoApi.ImageTests;

        public class RunRecorder
        {
            [Fact]
            public void Records_the_run() => File.WriteAllText(
                Path.Combine(Environment.GetEnvironmentVariable("DRYDOCK_RESULTS_DIRECTORY")!, "run.txt"),
                $"{TestRun.Id} {Environment.GetEnvironmentVariable("DOCKER_HOST")}");
        }
        """;

    private readonly TestProject _project = TestProject.FromSample("TodoApi");

    [Theory]
    [MemberData(nameof(Oci.BothEngines), MemberType = typeof(Oci))]
    public void Tests_pass_against_a_real_database_and_leave_nothing(string engine)
    {
        _project.WriteFile("TodoApi.ImageTests/RunRecorder.cs", Recorder);
        _project.Commit("Record the run");

        var (runId, dockerHost) = PublishAndReadRun(engine, expectedPassed: 5);

        Assert.Equal(ExpectedDockerHost(engine), dockerHost);
        Assert.Empty(ContainersOfRun(engine, runId));
        Assert.Empty(NetworksOfRun(engine, runId));
    }

    [Theory]
    [MemberData(nameof(Oci.BothEngines), MemberType = typeof(Oci))]
    public void A_database_the_tests_leave_behind_is_removed_with_its_network(string engine)
    {
        _project.WriteFile("TodoApi.ImageTests/RunRecorder.cs", Recorder);
        var database = Path.Combine(_project.Root, "TodoApi.ImageTests", "Database.cs");
        var source = File.ReadAllText(database);
        const string Dispose = "await _postgres.DisposeAsync();\n        await _network.DisposeAsync();";
        Assert.Contains(Dispose, source);
        File.WriteAllText(database, source.Replace(Dispose, "await Task.CompletedTask;", StringComparison.Ordinal));
        _project.Commit("Forget the database");

        var (runId, _) = PublishAndReadRun(engine, expectedPassed: 5);

        Assert.Empty(ContainersOfRun(engine, runId));
        Assert.Empty(NetworksOfRun(engine, runId));
    }

    [Fact]
    public void Podman_without_its_api_socket_stops_before_the_tests_with_DRY5108()
    {
        var nowhere = Path.Combine(_project.Root, "no-podman-service", "podman.sock");
        _project.Environment["DRYDOCK_PODMAN_SOCKET"] = nowhere;
        _project.Environment["TESTCONTAINERS_HUB_IMAGE_NAME_PREFIX"] = $"{Paths.Registry}/library";

        var publish = _project.Publish("-p:LocalRegistry=Podman");

        Assert.False(publish.Succeeded, publish.StandardOutput);
        Assert.Contains("error DRY5108: podman is the engine and TodoApi.ImageTests uses Testcontainers", publish.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"nothing answers at {nowhere} (no such socket)", publish.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("podman system service", publish.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("Docker is either not running or misconfigured", publish.StandardOutput, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Oci.RemoveRepository(Repository);
        _project.Dispose();
    }

    private (string RunId, string DockerHost) PublishAndReadRun(string engine, int expectedPassed)
    {
        // The hermetic environment drops DRYDOCK_* and keeps nothing of eng/env.sh's: set what a user of this machine has.
        _project.Environment["DRYDOCK_PODMAN_SOCKET"] = PodmanSocket;
        _project.Environment["TESTCONTAINERS_HUB_IMAGE_NAME_PREFIX"] = $"{Paths.Registry}/library";

        var publish = _project.Publish($"-p:LocalRegistry={engine}");

        Assert.True(publish.Succeeded, publish.StandardOutput);
        var report = _project.Report();
        Assert.Equal(engine, (string?)report["runtime"]);
        var tests = report["tests"]!.AsArray().Single()!;
        Assert.Equal(expectedPassed, (int)tests["passed"]!);
        Assert.Equal(0, (int)tests["failed"]!);
        var recorded = tests["files"]!.AsArray().Select(file => (string)file!).Single(file => file.EndsWith("run.txt", StringComparison.Ordinal));
        var parts = File.ReadAllText(recorded).Split(' ', 2);
        Assert.Equal(2, parts.Length);
        Assert.NotEmpty(parts[0]);
        return (parts[0], parts[1]);
    }

    private static string PodmanSocket =>
        Environment.GetEnvironmentVariable("DRYDOCK_PODMAN_SOCKET") is { Length: > 0 } socket ? socket : "/run/drydock/podman.sock";

    private static string ExpectedDockerHost(string engine) => engine == "podman"
        ? "unix://" + PodmanSocket
        : Oci.Checked("docker", ["context", "inspect", "--format", "{{.Endpoints.docker.Host}}"]).StandardOutput.Trim();

    private static string[] ContainersOfRun(string engine, string runId) =>
        Lines(Oci.Checked(engine, ["ps", "--all", "--quiet", "--filter", $"label=io.drydock.run={runId}"]).StandardOutput);

    private static string[] NetworksOfRun(string engine, string runId) =>
        Lines(Oci.Checked(engine, ["network", "ls", "--filter", $"label=io.drydock.run={runId}", "--format", "{{.Name}}"]).StandardOutput);

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
