using Drydock.Build.Diagnostics;
using Drydock.Sdk.Tests.Support;
using Drydock.Tests.Registry;

namespace Drydock.Sdk.Tests;

/// <summary>
/// What must not reach a registry: an image whose tests failed (not a single request), and a wrong
/// password (a clear error, nothing pushed, the secret nowhere in the output or the report).
/// </summary>
public sealed class PushRefused : IDisposable
{
    private TestProject? _project;

    public void Dispose() => _project?.Dispose();

    [Fact]
    public async Task A_failed_test_run_sends_no_request_to_the_registry()
    {
        await using var proxy = RegistryProxy.Start(new Uri($"http://{RegistryServer.SharedHost}/"));
        _project = TestProject.Create("untrusted", program: TestApps.Web);
        _project.AddImageTests("""
                [Fact]
                public async Task Greets_in_french()
                {
                    await using var app = await image.StartAsync();
                    Assert.Equal("Bonjour", await app.Http.GetStringAsync("/"));
                }
            """);

        var publish = _project.Publish($"-p:ContainerRegistry={proxy.Host}");

        Assert.False(publish.Succeeded);
        Assert.Contains($"error {KnownCodes.TestsFailed}:", publish.StandardOutput);
        Assert.Empty(proxy.Requests);
        Assert.Null(_project.Report()["push"]);
        Assert.Equal(1, (int)_project.Report()["tests"]![0]!["failed"]!);
    }

    [Fact]
    public async Task A_dirty_build_is_pushed_only_with_DrydockPushDirty_and_only_as_its_dirty_tag()
    {
        await using var proxy = RegistryProxy.Start(new Uri($"http://{RegistryServer.SharedHost}/"));
        _project = TestProject.Create("dirty", sdk: "Microsoft.NET.Sdk", properties: $"<ContainerRepository>drydock-e2e/dirty-{Guid.NewGuid().ToString("n")[..10]}</ContainerRepository>");
        var head = _project.Git("rev-parse", "--short=7", "HEAD");
        File.AppendAllText(Path.Combine(_project.ProjectDirectory, "Program.cs"), "\n// an uncommitted change\n");

        var refused = _project.Publish($"-p:ContainerRegistry={proxy.Host}");

        Assert.False(refused.Succeeded);
        Assert.Contains($"error {KnownCodes.DirtyPushRefused}:", refused.StandardOutput);
        Assert.Contains("DrydockPushDirty=true", refused.StandardOutput);
        Assert.Empty(proxy.Requests);
        Assert.DoesNotMatch(@"DRY\d{4}: DRY\d{4}", refused.StandardOutput);
        // Decided from the metadata, before the image is built: no image, no report of one.
        Assert.False(File.Exists(_project.ArchivePath), "the image was built although its push was refused");
        Assert.False(File.Exists(_project.ReportPath));

        var pushed = _project.Publish($"-p:ContainerRegistry={proxy.Host}", "-p:DrydockPushDirty=true");

        Assert.True(pushed.Succeeded, pushed.StandardOutput);
        Assert.Equal([$"sha-{head}-dirty"], _project.Report()["push"]!["tags"]!.AsArray().Select(tag => (string?)tag));
    }

    [Fact]
    public async Task Credentials_come_from_the_environment_and_are_never_printed()
    {
        const string password = "Hunter2-never-in-a-log";
        await using var registry = await RegistryServer.StartAsync(new RegistryServerOptions { Users = [("deploy", password)] });
        _project = TestProject.Create("secret", sdk: "Microsoft.NET.Sdk");
        _project.Environment["DRYDOCK_REGISTRY_USER"] = "deploy";
        _project.Environment["DRYDOCK_REGISTRY_PASSWORD"] = "Wrong-" + password;

        var refused = _project.Publish($"-p:ContainerRegistry={registry.Host}", "-v:detailed");

        Assert.False(refused.Succeeded);
        Assert.Contains($"error {KnownCodes.RegistryUnauthorized}:", refused.StandardOutput);
        Assert.Contains("refused the user name and password from DRYDOCK_REGISTRY_USER", refused.StandardOutput);
        Assert.DoesNotContain(password, refused.StandardOutput + refused.StandardError);
        Assert.DoesNotContain(password, File.ReadAllText(_project.ReportPath));
        Assert.StartsWith($"{KnownCodes.RegistryUnauthorized}: ", (string?)_project.Report()["push"]!["error"], StringComparison.Ordinal);
        Assert.False((bool)_project.Report()["push"]!["verified"]!);
        Assert.Empty(_project.Report()["push"]!["tags"]!.AsArray());
        using (var client = registry.CreateClient(("deploy", password)))
        using (var tags = await client.GetAsync(new Uri(registry.BaseUri, "v2/secret/tags/list")))
        {
            Assert.Equal(System.Net.HttpStatusCode.NotFound, tags.StatusCode);
        }

        _project.Environment["DRYDOCK_REGISTRY_PASSWORD"] = password;
        var pushed = _project.Publish($"-p:ContainerRegistry={registry.Host}", "-v:detailed");

        Assert.True(pushed.Succeeded, pushed.StandardOutput);
        Assert.True((bool)_project.Report()["push"]!["verified"]!);
        Assert.Contains("credentials for " + registry.Host + ": deploy (from DRYDOCK_REGISTRY_USER)", pushed.StandardOutput);
        Assert.DoesNotContain(password, pushed.StandardOutput + pushed.StandardError);
        Assert.DoesNotContain(password, File.ReadAllText(_project.ReportPath));
    }
}
