using Drydock.Build.Testing;
using Drydock.Build.Tests.Support;
using Drydock.Processes;

namespace Drydock.Build.Tests.Testing;

/// <summary>
/// Against the machine's real engines (eng/setup.sh: Docker Engine 20.10 on its default socket,
/// podman's Docker API on DRYDOCK_PODMAN_SOCKET). The user's environment is passed in, never this process's.
/// </summary>
public sealed class ServiceEngineTests
{
    private static readonly string PodmanSocket =
        Environment.GetEnvironmentVariable(ServiceEngine.PodmanSocket) is { Length: > 0 } socket ? socket : "/run/drydock/podman.sock";

    [Fact]
    public void Variables_Docker_PointsAtTheCurrentContextAndPinsItsApiVersion()
    {
        var log = new ListBuildLog();

        var variables = ServiceEngine.Variables("docker", Without(), log, CancellationToken.None);

        Assert.Equal(Cli("docker", "context", "inspect", "--format", "{{.Endpoints.docker.Host}}"), variables[ServiceEngine.DockerHost]);
        var served = Version.Parse(Cli("docker", "version", "--format", "{{.Server.APIVersion}}"));
        // Docker Engine 20.10 serves 1.41, below what Testcontainers asks for.
        Assert.True(served < ServiceEngine.ClientApiVersion, $"this machine's docker serves {served}");
        Assert.Equal(served.ToString(), variables[ServiceEngine.DockerApiVersion]);
        Assert.Equal("true", variables[ServiceEngine.RyukDisabled]);
        Assert.Contains(log.Details, line => line.Contains("docker's current context", StringComparison.Ordinal));
    }

    [Fact]
    public void Users_TheAssembliesWithTestcontainersOrDockerDotNetBesideThem()
    {
        using var temp = new TempDirectory();
        foreach (var (folder, client) in new[] { ("services", "Testcontainers.dll"), ("api", "Docker.DotNet.dll"), ("plain", "xunit.core.dll") })
        {
            Directory.CreateDirectory(temp.File(folder));
            temp.Write(Path.Combine(folder, client), "");
            temp.Write(Path.Combine(folder, "Shop.ImageTests.dll"), "");
        }

        string[] folders = ["services", "api", "plain"];
        var users = ServiceEngine.Users(folders.Select(folder => temp.File(Path.Combine(folder, "Shop.ImageTests.dll"))));

        Assert.Equal([temp.File(Path.Combine("services", "Shop.ImageTests.dll")), temp.File(Path.Combine("api", "Shop.ImageTests.dll"))], users);
    }

    [Fact]
    public void CheckPodmanApi_NothingListensAtDrydockPodmanSocket_Dry5108SayingHowToStartIt()
    {
        using var temp = new TempDirectory();
        var assembly = temp.Write("Shop.ImageTests.dll", "");
        temp.Write("Testcontainers.dll", ""); // what a test project referencing Testcontainers has beside its assembly
        var nowhere = temp.File("podman.sock");
        var variables = ServiceEngine.Variables("podman", Without((ServiceEngine.PodmanSocket, nowhere)), new ListBuildLog(), CancellationToken.None);

        var error = Assert.Throws<Drydock.Build.Diagnostics.DrydockException>(() =>
            ServiceEngine.CheckPodmanApi("podman", variables[ServiceEngine.DockerHost], [assembly], new ListBuildLog(), CancellationToken.None));

        Assert.Equal("DRY5108", error.Code);
        Assert.Contains($"nothing answers at {nowhere} (no such socket)", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'podman system service --time=0 unix://{nowhere}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("DRYDOCK_PODMAN_SOCKET", error.Message, StringComparison.Ordinal);
        Assert.Contains("Shop.ImageTests uses Testcontainers", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("DRY5108", error.Message, StringComparison.Ordinal); // the task base prints the code
    }

    [Fact]
    public void CheckPodmanApi_TheServiceAnswers_OrNoTestcontainers_OrDocker_Passes()
    {
        using var temp = new TempDirectory();
        var withServices = temp.Write("Shop.ImageTests.dll", "");
        temp.Write("Testcontainers.dll", "");
        Directory.CreateDirectory(temp.File("plain"));
        var plain = temp.Write(Path.Combine("plain", "Plain.ImageTests.dll"), "");
        var log = new ListBuildLog();

        ServiceEngine.CheckPodmanApi("podman", "unix://" + PodmanSocket, [withServices], log, CancellationToken.None);
        ServiceEngine.CheckPodmanApi("podman", "unix://" + temp.File("none.sock"), [plain], log, CancellationToken.None);
        ServiceEngine.CheckPodmanApi("docker", "unix://" + temp.File("none.sock"), [withServices], log, CancellationToken.None);

        Assert.Contains($"Drydock: podman's Docker API answers at unix://{PodmanSocket} for Testcontainers", log.Details);
    }

    [Fact]
    public void Variables_PodmanWithDrydockSocket_PointsAtItAndAsksItsApiVersion()
    {
        var log = new ListBuildLog();

        var variables = ServiceEngine.Variables("podman", Without((ServiceEngine.PodmanSocket, PodmanSocket)), log, CancellationToken.None);

        Assert.Equal("unix://" + PodmanSocket, variables[ServiceEngine.DockerHost]);
        // Asked another way: the docker CLI against podman's socket.
        Assert.Equal(Cli("docker", "--host", "unix://" + PodmanSocket, "version", "--format", "{{.Server.APIVersion}}"), variables[ServiceEngine.DockerApiVersion]);
        Assert.Equal("true", variables[ServiceEngine.RyukDisabled]);
    }

    [Fact]
    public void Variables_PodmanWithoutSocketSetting_UsesPodmansOwnSocketPathEvenWhenMissing()
    {
        var log = new ListBuildLog();

        var variables = ServiceEngine.Variables("podman", Without(), log, CancellationToken.None);

        var path = Cli("podman", "info", "--format", "{{.Host.RemoteSocket.Path}}");
        Assert.Equal("unix://" + path, variables[ServiceEngine.DockerHost]);
        if (!File.Exists(path))
        {
            Assert.False(variables.ContainsKey(ServiceEngine.DockerApiVersion));
            Assert.Contains(log.Details, line => line.Contains("podman system service", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("docker")]
    [InlineData("podman")]
    public void Variables_UserSetThem_SetsNone(string engine)
    {
        var given = Without(
            (ServiceEngine.DockerHost, "unix:///somewhere/else.sock"),
            (ServiceEngine.DockerApiVersion, "1.40"),
            (ServiceEngine.RyukDisabled, "false"));
        var log = new ListBuildLog();

        var variables = ServiceEngine.Variables(engine, given, log, CancellationToken.None);

        Assert.Empty(variables);
        Assert.Contains("Drydock: DOCKER_HOST=unix:///somewhere/else.sock for the image tests (from the environment)", log.Details);
    }

    [Fact]
    public void Variables_DockerContextGiven_LeavesTheHostToTestcontainers()
    {
        var variables = ServiceEngine.Variables("docker", Without((ServiceEngine.DockerContext, "default")), new ListBuildLog(), CancellationToken.None);

        Assert.False(variables.ContainsKey(ServiceEngine.DockerHost));
        Assert.Equal("true", variables[ServiceEngine.RyukDisabled]);
    }

    /// <summary>An environment with only <paramref name="set"/>: none of this machine's DOCKER_* or DRYDOCK_* variables.</summary>
    private static Func<string, string?> Without(params (string Name, string Value)[] set) =>
        name => set.FirstOrDefault(pair => pair.Name == name).Value;

    private static string Cli(string program, params string[] arguments)
    {
        var result = ProcessRunner.Run(program, arguments, TimeSpan.FromSeconds(30), CancellationToken.None,
            environment: new Dictionary<string, string?> { ["DOCKER_HOST"] = null, ["DOCKER_CONTEXT"] = null });
        Assert.True(result.Succeeded, result.StandardError);
        return result.StandardOutput.Trim();
    }
}
