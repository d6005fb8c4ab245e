using Drydock.Build.Diagnostics;
using Drydock.Sdk.Tests.Support;

namespace Drydock.Sdk.Tests;

/// <summary>
/// The same publish on Docker Engine and on podman (LocalRegistry picks the engine): tests pass and
/// leave nothing, a failed test stops the push, an OOM kill is reported. Same behaviour, same report.
/// </summary>
public sealed class BothEngines : IDisposable
{
    private TestProject? _project;

    [Theory]
    [MemberData(nameof(Oci.BothEngines), MemberType = typeof(Oci))]
    public void Image_tests_pass_the_image_is_there_under_every_tag_and_no_container_is_left(string engine)
    {
        _project = TestProject.Create($"both{engine}", program: TestApps.Web);
        _project.AddImageTests($$"""
                [Fact]
                public async Task Answers()
                {
                    Assert.Equal("{{engine}}", Environment.GetEnvironmentVariable("DRYDOCK_RUNTIME"));
                    await using var app = await image.StartAsync();
                    Assert.Equal("Hello from a Drydock test!", await app.Http.GetStringAsync("/"));
                }
            """);

        var publish = _project.Publish($"-p:LocalRegistry={engine}");

        Assert.True(publish.Succeeded, publish.StandardOutput);
        var report = _project.Report();
        Assert.Equal(engine, (string?)report["runtime"]);
        Assert.Equal(1, (int)report["tests"]![0]!["passed"]!);
        var configDigest = ((string)report["image"]!["configDigest"]!).Replace("sha256:", "", StringComparison.Ordinal);
        var tags = report["image"]!["tags"]!.AsArray().Select(tag => (string)tag!).ToArray();
        Assert.NotEmpty(tags);
        foreach (var tag in tags)
        {
            var id = Oci.Engine(engine, "image", "inspect", "--format", "{{.Id}}", $"{_project.Name}:{tag}");
            Assert.True(id.Succeeded, id.StandardError);
            Assert.Equal(configDigest, id.StandardOutput.Trim().Replace("sha256:", "", StringComparison.Ordinal));
        }

        Assert.Empty(Oci.TestContainersOf(_project));
    }

    [Theory]
    [MemberData(nameof(Oci.BothEngines), MemberType = typeof(Oci))]
    public async Task A_failing_test_fails_the_publish_with_DRY5001_and_nothing_is_pushed(string engine)
    {
        _project = TestProject.Create($"failing{engine}", program: TestApps.Web);
        _project.AddImageTests("""
                [Fact]
                public async Task Greets_in_french()
                {
                    await using var app = await image.StartAsync();
                    Assert.Equal("Bonjour", await app.Http.GetStringAsync("/"));
                }
            """);
        var repository = $"drydock-e2e/{_project.Name}-{Guid.NewGuid():N}"[..40];

        var publish = _project.Publish($"-p:LocalRegistry={engine}", $"-p:ContainerRegistry={Paths.Registry}", $"-p:ContainerRepository={repository}");

        Assert.False(publish.Succeeded);
        Assert.Contains($"error {KnownCodes.TestsFailed}:", publish.StandardOutput);
        Assert.Contains("ImageTests.Greets_in_french", publish.StandardOutput);
        Assert.Equal(engine, (string?)_project.Report()["runtime"]);
        using var http = new HttpClient();
        using var tags = await http.GetAsync(new Uri($"http://{Paths.Registry}/v2/{repository}/tags/list"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, tags.StatusCode);
        Assert.Empty(Oci.TestContainersOf(_project, repository));
        Oci.RemoveRepository(repository);
    }

    [Theory]
    [MemberData(nameof(Oci.BothEngines), MemberType = typeof(Oci))]
    public void An_app_killed_for_memory_at_start_is_reported_as_OOMKilled(string engine)
    {
        _project = TestProject.Create($"hungry{engine}", program: TestApps.Web);
        _project.AddImageTests("""
                [Fact]
                public async Task Starts()
                {
                    await using var app = await image.StartAsync(options => options.Environment["ALLOCATE_AT_START_MB"] = "400");
                }
            """);

        var publish = _project.Publish($"-p:LocalRegistry={engine}", "-p:ContainerTestMemory=128m");

        Assert.False(publish.Succeeded);
        Assert.Contains($"error {KnownCodes.TestsFailed}:", publish.StandardOutput);
        Assert.Contains("OOMKilled: true", publish.StandardOutput);
        Assert.Contains("DRY5101", publish.StandardOutput);
        Assert.Empty(Oci.TestContainersOf(_project));
    }

    public void Dispose()
    {
        if (_project is not null)
        {
            Oci.RemoveRepository(_project.Name);
            _project.Dispose();
        }
    }
}
