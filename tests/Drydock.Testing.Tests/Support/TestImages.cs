namespace Drydock.Testing.Tests.Support;

/// <summary>
/// Publishes TestApp into docker and into podman once per test run (about 10 s each, the SDK's own
/// LocalRegistry load) and removes it afterwards, with any container a failed test left behind. One
/// image serves every scenario: TESTAPP_MODE=crash exits at start, silent never listens, slow listens
/// after 5 s.
/// </summary>
public sealed class TestImages : IDisposable
{
    private readonly string _workspace = Path.Combine(Path.GetTempPath(), "drydock-testing-" + Guid.NewGuid().ToString("N")[..8]);

    public TestImages()
    {
        UsePodmanConfiguration();
        var tag = Guid.NewGuid().ToString("N")[..12];
        // No registry part: docker names it so, and podman finds its localhost/ image by the short name.
        App = $"drydock-testing/testapp:{tag}";
        Directory.CreateDirectory(_workspace);
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "TestApp")))
        {
            File.Copy(file, Path.Combine(_workspace, Path.GetFileName(file)));
        }

        foreach (var engine in TestEngines.All)
        {
            // The SDK loads with the docker CLI, which goes where DOCKER_HOST points: the remote engine's image goes over TCP.
            var localRegistry = engine == "podman" ? "Podman" : "Docker";
            var publish = Shell.Run("dotnet",
            [
                "publish", Path.Combine(_workspace, "TestApp.csproj"), "-t:PublishContainer",
                $"-p:ContainerBaseImage={Registry}/dotnet/aspnet:10.0-noble-chiseled-extra",
                "-p:ContainerRepository=drydock-testing/testapp", $"-p:ContainerImageTag={tag}", $"-p:LocalRegistry={localRegistry}",
            ], TimeSpan.FromMinutes(5), new Dictionary<string, string?>(TestEngines.Environment(engine)) { ["MSBUILDNOINPROCNODE"] = null });
            if (!publish.Succeeded)
            {
                throw new InvalidOperationException($"Publishing the test app into {engine} failed (are the registry at {Registry} and the three engines up? bash eng/setup.sh):\n{publish.StandardOutput}\n{publish.StandardError}");
            }
        }
    }

    /// <summary>The test app's image reference.</summary>
    public string App { get; }

    /// <summary>The run id of this test run's containers.</summary>
    public string RunId { get; } = "testing-" + Guid.NewGuid().ToString("N")[..12];

    public static string Registry =>
        Environment.GetEnvironmentVariable("DRYDOCK_TEST_REGISTRY") is { Length: > 0 } registry ? registry : "localhost:5000";

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>Options for the test app on <paramref name="engine"/>, with a profile a test may change.</summary>
    /// <remarks>Points this process at the engine (<see cref="TestEngines.Use"/>): the remote one is docker with DOCKER_HOST.</remarks>
    public ImageOptions Options(string engine, TestProfile? profile = null, string connection = "tcp") =>
        new() { Image = App, Runtime = TestEngines.Use(engine, connection), RunId = RunId, Profile = profile ?? new TestProfile() };

    public void Dispose()
    {
        foreach (var engine in TestEngines.All)
        {
            ContainerSweeper.Sweep(TestEngines.Use(engine), RunId);
            Shell.Engine(engine, "rmi", "-f", App);
        }

        TestEngines.Use("docker");

        Directory.Delete(_workspace, recursive: true);
    }

    /// <summary>
    /// eng/env.sh points podman at eng/containers.conf (runc, cgroupfs); an IDE or a bare `dotnet test`
    /// may not have sourced it.
    /// </summary>
    private static void UsePodmanConfiguration()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CONTAINERS_CONF")))
        {
            Environment.SetEnvironmentVariable("CONTAINERS_CONF", Path.Combine(RepositoryRoot, "eng", "containers.conf"));
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Sdk.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Sdk.sln above {AppContext.BaseDirectory}.");
    }
}

[CollectionDefinition(Name)]
public sealed class WithTestImages : ICollectionFixture<TestImages>
{
    public const string Name = "test images";
}
