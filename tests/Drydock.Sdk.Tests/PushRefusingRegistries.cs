using Drydock.Build.Diagnostics;
using Drydock.Sdk.Tests.Support;
using Drydock.Tests.Registry;

namespace Drydock.Sdk.Tests;

/// <summary>
/// Real publishes against the loopback registry behind a proxy that plays one hosted registry's refusal each
/// (tests/Shared/Registry, docs/registries.md): Harbor's session cookies, GitLab's referrers tag that names the image
/// itself, GHCR's denied write. The registry's tags, the report and the requests are asserted; the push code's
/// other kinds are tested against the same proxy in Drydock.Build.Tests (RefusingRegistries).
/// </summary>
public sealed class PushRefusingRegistries : IAsyncLifetime, IDisposable
{
    private readonly string _repository = "drydock-e2e/refusing-" + Guid.NewGuid().ToString("n")[..10];
    private RegistryProxy _proxy = null!;
    private TestProject _project = null!;

    public Task InitializeAsync()
    {
        _proxy = RegistryProxy.Start(new Uri($"http://{RegistryServer.SharedHost}/"));
        _project = TestProject.Create("refusing", sdk: "Microsoft.NET.Sdk", properties: $"<ContainerRepository>{_repository}</ContainerRepository>");
        _project.Environment["LocalRegistry"] = "Podman";
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    public void Dispose()
    {
        Oci.RemoveRepository($"{RegistryServer.SharedHost}/{_repository}");
        _project.Dispose();
    }

    [Fact]
    public async Task Harbor_session_cookies_are_never_sent_back()
    {
        _proxy.SessionCookies = true;

        var publish = _project.Publish($"-p:ContainerRegistry={_proxy.Host}");

        Assert.True(publish.Succeeded, publish.StandardOutput);
        Assert.DoesNotContain(_proxy.Requests, r => r.Header("Cookie") is not null);
        var push = _project.Report()["push"]!;
        Assert.True((bool)push["verified"]!);
        Assert.Equal((string?)push["digest"], await RegistryServer.SharedDigestAsync(_repository, "main"));
    }

    [Fact]
    public async Task GitLab_a_referrers_tag_naming_the_image_gets_nothing_written_and_a_warning()
    {
        _proxy.ResolvesDigestTags = true;

        var publish = _project.Publish($"-p:ContainerRegistry={_proxy.Host}");

        Assert.True(publish.Succeeded, publish.StandardOutput);
        Assert.Contains($"warning {KnownCodes.ReferrersTagUnusable}:", publish.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, _proxy.CountOf("PUT", "/manifests/sha256-"));
        var digest = (string)_project.Report()["push"]!["digest"]!;
        Assert.Equal(digest, await RegistryServer.SharedDigestAsync(_repository, "main"));
    }

    [Fact]
    public async Task Ghcr_a_denied_write_is_one_request_names_the_repository_and_sets_no_tag()
    {
        _proxy.Respond("POST", "/blobs/uploads/", 403, times: 100);

        var publish = _project.Publish($"-p:ContainerRegistry={_proxy.Host}");

        Assert.False(publish.Succeeded);
        Assert.Contains($"error {KnownCodes.RegistryForbidden}:", publish.StandardOutput, StringComparison.Ordinal);
        Assert.Contains(_repository, publish.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(1, _proxy.CountOf("POST", "/blobs/uploads/"));
        Assert.Equal(0, _proxy.CountOf("PUT", "/manifests/"));
        Assert.Null(await RegistryServer.SharedDigestAsync(_repository, "main"));
        var push = _project.Report()["push"]!;
        Assert.Empty(push["tags"]!.AsArray());
        Assert.StartsWith(KnownCodes.RegistryForbidden, (string?)push["error"], StringComparison.Ordinal);
    }
}
