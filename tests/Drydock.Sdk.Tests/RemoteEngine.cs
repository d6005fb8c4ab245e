using Drydock.Sdk.Tests.Support;

namespace Drydock.Sdk.Tests;

/// <summary>
/// A publish whose engine is not this machine: the remote engine eng/remote-engine.sh starts (a dockerd in
/// its own network, PID and mount namespaces, reached over tcp://10.231.0.2:2375, as CI's docker:dind
/// service). The image is loaded there, tested there, reached at the engine's address; nothing is left there.
/// And one engine shared by two builds that cannot see each other's processes.
/// </summary>
public sealed class RemoteEngine : IDisposable
{
    private const string Host = "tcp://10.231.0.2:2375";

    private const string AnswersAtTheEnginesAddress = """
            [Fact]
            public async Task Answers_at_the_engines_address()
            {
                await using var app = await image.StartAsync();
                Assert.Equal("10.231.0.2", app.PublishedEndpoint.Address.ToString());
                Assert.Equal("Hello from a Drydock test!", await app.Http.GetStringAsync("/"));
            }
        """;

    private readonly List<TestProject> _projects = [];

    [Fact]
    public void Image_tests_run_on_the_remote_engine_and_reach_the_app_at_its_address()
    {
        var project = Project("remote", AnswersAtTheEnginesAddress);

        var publish = project.Publish("-p:LocalRegistry=Docker", "-v:d");

        Assert.True(publish.Succeeded, publish.StandardOutput);
        Assert.Contains($"Drydock: runtime=docker at {Host} (from LocalRegistry; endpoint {Host} (from DOCKER_HOST))", publish.StandardOutput);
        Assert.Equal(1, (int)project.Report()["tests"]![0]!["passed"]!);
        var configDigest = (string)project.Report()["image"]!["configDigest"]!;
        var remote = Remote("image", "inspect", "--format", "{{.Id}}", configDigest);
        Assert.True(remote.Succeeded, remote.StandardError);
        Assert.Empty(Remote("ps", "-a", "-q", "--filter", "label=io.drydock.run", "--filter", $"ancestor={configDigest}").StandardOutput.Trim());

        // A change: only the new layers go over the API, at the normal verbosity a user sees.
        var program = Path.Combine(project.ProjectDirectory, "Program.cs");
        project.WriteFile(Path.GetRelativePath(project.Root, program), File.ReadAllText(program) + "\n// changed\n");
        project.Commit("change");
        var again = project.Publish("-p:LocalRegistry=Docker", "-v:n");

        Assert.True(again.Succeeded, again.StandardOutput);
        Assert.Matches($@"Drydock: docker at {Host}: [1-9]\d* of \d+ layers already there \([\d.]+ [kMG]?B not sent\), [\d.]+ [kMG]?B sent", again.StandardOutput);
        var next = (string)project.Report()["image"]!["configDigest"]!;
        Assert.NotEqual(configDigest, next);
        Assert.Equal(next, Remote("image", "inspect", "--format", "{{.Id}}", next).StandardOutput.Trim());
    }

    [Fact]
    public void A_test_run_from_the_ide_after_a_remote_publish_finds_the_image_on_that_engine()
    {
        var project = Project("remoteide", AnswersAtTheEnginesAddress);
        var publish = project.Publish("-p:LocalRegistry=Docker", "-p:DrydockPush=false");
        Assert.True(publish.Succeeded, publish.StandardOutput);
        var testProject = Path.Combine(project.Root, "remoteide.ImageTests");
        var recorded = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(testProject, "obj", "drydock-image.json")))!;
        Assert.Equal(Host, (string?)recorded["engine"]!["DOCKER_HOST"]);

        // As from an IDE: the test project alone, no DRYDOCK_* variable and no DOCKER_HOST; this machine's engine lacks the image.
        Assert.False(Drydock.Processes.ProcessRunner.Run("docker", ["image", "inspect", (string)recorded["image"]!], TimeSpan.FromMinutes(1), CancellationToken.None,
            environment: new Dictionary<string, string?> { ["DOCKER_HOST"] = null }).Succeeded);
        var ide = project.Run("dotnet", ["test", "-c", "Release", "-nologo", "--logger", "console;verbosity=normal"], testProject,
            new Dictionary<string, string?> { ["DOCKER_HOST"] = null });

        Assert.True(ide.Succeeded, ide.StandardOutput + ide.StandardError);
        Assert.Matches(@"Passed:\s+1\b", ide.StandardOutput);
        Assert.Contains($"in the engine at DOCKER_HOST={Host}", ide.StandardOutput + ide.StandardError, StringComparison.Ordinal);
        Assert.Empty(Remote("ps", "-a", "-q", "--filter", "label=io.drydock.run", "--filter", $"ancestor={(string)recorded["image"]!}").StandardOutput.Trim());
    }

    /// <summary>The test cache keys on the engine: tests that passed on the remote engine run again on this machine's.</summary>
    [Fact]
    public void Tests_that_passed_on_the_remote_engine_run_again_on_another()
    {
        var project = Project("remotecache", """
                [Fact]
                public async Task Answers()
                {
                    await using var app = await image.StartAsync();
                    Assert.Equal("Hello from a Drydock test!", await app.Http.GetStringAsync("/"));
                }
            """);
        var remote = project.Publish("-p:LocalRegistry=Docker", "-p:DrydockPush=false");
        Assert.True(remote.Succeeded, remote.StandardOutput);
        var image = (string)project.Report()["image"]!["configDigest"]!;

        project.Environment["DOCKER_HOST"] = null;
        var local = project.Publish("-p:LocalRegistry=Docker", "-p:DrydockPush=false");

        Assert.True(local.Succeeded, local.StandardOutput);
        Assert.Equal(image, (string)project.Report()["image"]!["configDigest"]!);
        Assert.False((bool)project.Report()["tests"]![0]!["cached"]!);
        // And the cache still serves the engine it was filled on.
        var again = project.Publish("-p:LocalRegistry=Docker", "-p:DrydockPush=false");
        Assert.True(again.Succeeded, again.StandardOutput);
        Assert.True((bool)project.Report()["tests"]![0]!["cached"]!);
        Oci.Engine("docker", "rmi", "--force", image);
    }

    [Fact]
    public async Task Two_publishes_at_once_on_one_engine_one_in_another_pid_namespace_both_pass()
    {
        // Each test holds its container for 20 s: the other publish sweeps before its tests meanwhile.
        const string LongTest = """
                [Fact]
                public async Task Answers_after_a_while()
                {
                    await using var app = await image.StartAsync();
                    await Task.Delay(TimeSpan.FromSeconds(20));
                    Assert.Equal("Hello from a Drydock test!", await app.Http.GetStringAsync("/"));
                }
            """;
        var inNamespace = Project("sharedpidns", LongTest);
        var here = Project("sharedhere", LongTest);

        var first = Task.Run(() => inNamespace.Run("unshare",
            ["--pid", "--fork", "--mount-proc", "dotnet", "publish", "-c", "Release", "-nologo", $"-p:DrydockBaseRegistry={Paths.Registry}", "-p:LocalRegistry=Docker"]));
        await Task.Delay(TimeSpan.FromSeconds(15));
        var second = Task.Run(() => here.Publish("-p:LocalRegistry=Docker"));
        var results = await Task.WhenAll(first, second);

        Assert.True(results[0].Succeeded, results[0].StandardOutput);
        Assert.True(results[1].Succeeded, results[1].StandardOutput);
        Assert.Equal(1, (int)inNamespace.Report()["tests"]![0]!["passed"]!);
        Assert.Equal(1, (int)here.Report()["tests"]![0]!["passed"]!);
    }

    public void Dispose()
    {
        foreach (var project in _projects)
        {
            project.Dispose();
        }
    }

    private TestProject Project(string name, string tests)
    {
        var project = TestProject.Create(name, program: TestApps.Web);
        project.Environment["DOCKER_HOST"] = Host;
        project.AddImageTests(tests);
        _projects.Add(project);
        return project;
    }

    private static Drydock.Processes.ProcessResult Remote(params string[] arguments) =>
        Drydock.Processes.ProcessRunner.Run("docker", arguments, TimeSpan.FromMinutes(1), CancellationToken.None, environment: new Dictionary<string, string?> { ["DOCKER_HOST"] = Host });
}
