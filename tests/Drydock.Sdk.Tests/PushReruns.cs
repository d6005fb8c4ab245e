using Drydock.Build.Diagnostics;
using Drydock.Sdk.Tests.Support;
using Drydock.Tests.Registry;

namespace Drydock.Sdk.Tests;

/// <summary>
/// Re-runs of CI, as real publishes against the loopback registry behind a proxy that plays the hosted registries'
/// behaviour (tests/Shared/Registry): the same bytes again against immutable tags pass without writing a tag; a new
/// commit that would move a tag there stops before any tag; the same commit built to other bytes moves its commit and
/// branch tags with a warning that says why.
/// </summary>
public sealed class PushReruns : IAsyncLifetime, IDisposable
{
    private const string EcrImmutable = "The image tag '{tag}' already exists in the repository and cannot be overwritten because the repository is immutable.";
    private readonly string _repository = "drydock-e2e/rerun-" + Guid.NewGuid().ToString("n")[..10];
    private RegistryProxy _proxy = null!;
    private TestProject _project = null!;

    public Task InitializeAsync()
    {
        _proxy = RegistryProxy.Start(new Uri($"http://{RegistryServer.SharedHost}/"));
        _project = TestProject.Create("rerun", sdk: "Microsoft.NET.Sdk", properties: $"<ContainerRepository>{_repository}</ContainerRepository>");
        // Another engine may answer on this machine (docker before 25 cannot load OCI archives): podman, explicitly.
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
    public void An_immutable_tag_registry_takes_a_rerun_and_refuses_a_move_before_any_tag()
    {
        var first = _project.Publish($"-p:ContainerRegistry={_proxy.Host}");
        Assert.True(first.Succeeded, first.StandardOutput);
        var tags = Tags();
        _proxy.ImmutableTags = (400, "TAG_INVALID", EcrImmutable);
        // ECR has the referrers API: attestations are indexed by the registry, not under a referrers tag (which an
        // immutable repository would refuse to update when a re-run's attestations differ).
        _proxy.When("PUT", "/manifests/sha256:", ProxyFault.AddHeaders(("OCI-Subject", "indexed")), times: 1000);
        _proxy.Clear();

        var rerun = _project.Publish($"-p:ContainerRegistry={_proxy.Host}");

        Assert.True(rerun.Succeeded, rerun.StandardOutput);
        Assert.Equal(tags, Tags());
        Assert.Equal(tags, _project.Report()["push"]!["tagsUnchanged"]!.AsArray().Select(tag => (string)tag!).ToList());
        Assert.DoesNotContain(_proxy.Requests, r => r.Method == "PUT" && r.Path.Contains("/manifests/", StringComparison.Ordinal) && !r.Path.Contains("sha256:", StringComparison.Ordinal));

        File.AppendAllText(Path.Combine(_project.ProjectDirectory, "Program.cs"), "\n// the next commit\n");
        _project.Commit("next", date: "2026-01-03T03:04:05Z");
        var next = _project.Publish($"-p:ContainerRegistry={_proxy.Host}");

        Assert.False(next.Succeeded);
        Assert.Contains($"error {KnownCodes.RegistryTagImmutable}:", next.StandardOutput);
        Assert.Contains("'main'", next.StandardOutput);
        var push = _project.Report()["push"]!;
        Assert.Empty(push["tags"]!.AsArray());
        Assert.StartsWith(KnownCodes.RegistryTagImmutable, (string?)push["error"], StringComparison.Ordinal);
        var sha = $"sha-{_project.Git("rev-parse", "--short=7", "HEAD")}";
        Assert.Equal(0, _proxy.CountOf("PUT", $"/manifests/{sha}"));
    }

    [Fact]
    public void The_same_commit_built_to_other_bytes_moves_its_commit_and_branch_tags_with_a_warning()
    {
        // A commit published from a laptop, then by CI, then by a re-run of that CI job: which CI and which run is the
        // provenance's, in neither the image nor its manifest, so the bytes are the same each time.
        _project.Git("remote", "add", "origin", "git@github.com:shop/api.git");
        var local = _project.Publish($"-p:ContainerRegistry={_proxy.Host}");
        Assert.True(local.Succeeded, local.StandardOutput);
        var sha = $"sha-{_project.Git("rev-parse", "--short=7", "HEAD")}";
        var digest = (string?)_project.Report()["push"]!["digest"];
        _project.Environment["GITHUB_ACTIONS"] = "true";
        _project.Environment["GITHUB_REF"] = "refs/heads/main";
        _project.Environment["GITHUB_SERVER_URL"] = "https://github.com";
        _project.Environment["GITHUB_REPOSITORY"] = "shop/api";
        foreach (var run in new[] { "100", "101" })
        {
            _project.Environment["GITHUB_RUN_ID"] = run;
            var inCi = _project.Publish($"-p:ContainerRegistry={_proxy.Host}");

            Assert.True(inCi.Succeeded, inCi.StandardOutput);
            Assert.DoesNotContain(KnownCodes.TagMovedToRebuild, inCi.StandardOutput, StringComparison.Ordinal);
            Assert.Equal(digest, (string?)_project.Report()["push"]!["digest"]);
            Assert.Equal(["main", sha], _project.Report()["push"]!["tagsUnchanged"]!.AsArray().Select(tag => (string)tag!).Order(StringComparer.Ordinal).ToList());
        }

        // Other bytes of the same commit in a build that treats warnings as errors: stopped before any tag moved,
        // in the registry and in the local engine.
        var localMain = LocalId($"{_proxy.Host}/{_repository}:main");
        Assert.NotEmpty(localMain);
        var strict = _project.Publish($"-p:ContainerRegistry={_proxy.Host}", "-p:ContainerDescription=built again with another description", "-p:TreatWarningsAsErrors=true", "-p:WarningsNotAsErrors=DRY5050");

        Assert.False(strict.Succeeded, strict.StandardOutput);
        Assert.Contains($"error {KnownCodes.TagMovedToRebuild}:", strict.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("no tag was set", strict.StandardOutput);
        Assert.Empty(_project.Report()["push"]!["tags"]!.AsArray());
        Assert.Equal(digest, Oci.DigestOf($"{RegistryServer.SharedHost}/{_repository}:{sha}"));
        Assert.Equal(localMain, LocalId($"{_proxy.Host}/{_repository}:main"));

        var rebuilt = _project.Publish($"-p:ContainerRegistry={_proxy.Host}", "-p:ContainerDescription=built again with another description");

        Assert.True(rebuilt.Succeeded, rebuilt.StandardOutput);
        Assert.Contains($"warning {KnownCodes.TagMovedToRebuild}:", rebuilt.StandardOutput);
        Assert.Contains($"{sha} (was sha256:", rebuilt.StandardOutput);
        Assert.Contains("main (was sha256:", rebuilt.StandardOutput);
        // What changed is named from the two images' records, by label.
        Assert.Contains("label org.opencontainers.image.description", rebuilt.StandardOutput);
        var push = _project.Report()["push"]!;
        Assert.Equal(["main", sha], push["tagsMoved"]!.AsObject().Select(pair => pair.Key).Order(StringComparer.Ordinal).ToList());
    }

    /// <summary>The image id podman's <paramref name="name"/> names; empty when it names none.</summary>
    private static string LocalId(string name) => Oci.Podman("image", "inspect", "--format", "{{.Id}}", name).StandardOutput.Trim();

    private List<string> Tags() => _project.Report()["push"]!["tags"]!.AsArray().Select(tag => (string)tag!).ToList();
}
