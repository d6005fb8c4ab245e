using Drydock.Build.Diagnostics;
using Drydock.Build.Oci;
using Drydock.Build.Oci.Registry;
using Drydock.Build.Tests.Support;
using Drydock.Tests.Registry;

namespace Drydock.Build.Tests.Oci.Registry;

/// <summary>
/// The pushes hosted registries refuse or answer unusually (issue 19), one kind per test, each played by the loopback
/// proxy in front of the real registry: the registry's tags, the result and the number of requests are asserted. Named
/// after the public report of the behaviour: owner_repository_number (docs/registries.md).
/// </summary>
public sealed class RefusingRegistries : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly ListBuildLog _log = new();
    private readonly string _repository = "drydock-tests/refusing-" + Guid.NewGuid().ToString("n")[..12];
    private RegistryProxy _proxy = null!;
    private OciArchive _archive = null!;

    public Task InitializeAsync()
    {
        _proxy = RegistryProxy.Start(new Uri($"http://{RegistryServer.SharedHost}/"));
        _archive = Build("first");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    public void Dispose() => _temp.Dispose();

    private static RegistryOptions Options => new() { Retry = new RetryPolicy(3, TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(5)) };

    private string Tested => _archive.ManifestDescriptor.Digest.ToString();

    private int BlobCount => _archive.Layers.Count + 1;

    /// <summary>Harbor's session cookie comes back on every answer; a write that returns it fails its CSRF check. Drydock keeps none.</summary>
    [Fact]
    public async Task Harbor_SessionCookiesAreNeverSentBack_dotnet_sdk_container_builds_418()
    {
        _proxy.SessionCookies = true;

        var result = await Push(tags: ["1.0.0"]);

        Assert.True(result.Verified);
        Assert.Equal(["1.0.0"], result.Tags);
        Assert.DoesNotContain(_proxy.Requests, r => r.Header("Cookie") is not null);
        Assert.DoesNotContain(_proxy.Requests, r => r.Status == 403);
        Assert.Equal(Tested, await RegistryDigest("1.0.0"));
    }

    /// <summary>ECR answers a chunk's PATCH with 201, not the spec's 202; other successes are the same kind.</summary>
    [Theory]
    [InlineData(201)]
    [InlineData(200)]
    [InlineData(204)]
    public async Task Ecr_AChunkAnsweredWithAnotherSuccessIsAccepted_jdx_mise_11376(int status)
    {
        _proxy.When("POST", "/blobs/uploads/", ProxyFault.AddHeaders(("OCI-Chunk-Min-Length", "150")), times: 100);
        _proxy.When("PATCH", "/blobs/uploads/", ProxyFault.ReplaceStatus(status), times: 1000);

        var result = await new ImagePusher(Options with { ChunkSize = 100 }, null, _log).PushAsync(
            _archive, new PushRequest { Registry = _proxy.Host, Repository = _repository, Tags = ["1.0.0"] }, CancellationToken.None);

        Assert.True(result.Verified);
        var patches = _proxy.Requests.Where(r => r.Method == "PATCH").ToList();
        Assert.True(patches.Count >= BlobCount, $"{patches.Count} PATCHes");
        Assert.All(patches, patch => Assert.Equal(status, patch.Status));
        Assert.Equal(Tested, await RegistryDigest("1.0.0"));
    }

    /// <summary>A cross-repository mount the login may not do (no pull right on the source: Docker Hub's and GitLab's scopes) or another refusal: an ordinary upload instead.</summary>
    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(400)]
    public async Task ARefusedMountFallsBackToAnUpload_docker_hub_and_gitlab_scopes(int status)
    {
        var baseRepository = _repository + "-base";
        await Push(tags: ["1.0.0"], repository: baseRepository);
        var app = OciArchive.Open(new SdkArchiveFixture
        {
            AppFiles = new() { ["app/app.dll"] = Guid.NewGuid().ToString() },
            Labels = new Dictionary<string, string> { ["org.opencontainers.image.base.name"] = $"{_proxy.Host}/{baseRepository}:1.0.0" },
        }.Write(_temp.File("app.tar")));
        _proxy.Clear();
        _proxy.Respond("POST", "mount=", status, times: 100);

        var result = await new ImagePusher(Options, null, _log).PushAsync(app, new PushRequest { Registry = _proxy.Host, Repository = _repository, Tags = ["2.0.0"] }, CancellationToken.None);

        Assert.True(result.Verified);
        Assert.Equal(0, result.BlobsMounted);
        Assert.Equal(app.Layers.Count + 1, result.BlobsUploaded);
        // Not retried: one mount request (401: once more with the challenge answered).
        Assert.InRange(_proxy.CountOf("POST", "mount="), 1, status == 401 ? 2 : 1);
        Assert.Contains(_log.Details, line => line.Contains("refused to mount", StringComparison.Ordinal) && line.Contains("uploading it instead", StringComparison.Ordinal));
        Assert.Equal(app.ManifestDescriptor.Digest.ToString(), await RegistryDigest("2.0.0"));
    }

    /// <summary>GHCR's <c>permission_denied: write_package</c>, and the same kind from others: one request, no retry, a message that says where and what to do.</summary>
    [Theory]
    [InlineData(403, KnownCodes.RegistryForbidden)]
    [InlineData(401, KnownCodes.RegistryUnauthorized)]
    public async Task Ghcr_ADeniedWriteIsOneRequestAndNamesTheRepository_write_package(int status, string code)
    {
        _proxy.Respond("POST", "/blobs/uploads/", status, times: 100);

        var error = await Assert.ThrowsAsync<DrydockException>(() => Push(tags: ["1.0.0"]));

        Assert.Equal(code, error.Code);
        Assert.Contains(_proxy.Host, error.Message, StringComparison.Ordinal);
        Assert.Contains(_repository, error.Message, StringComparison.Ordinal);
        Assert.Contains("push", error.Message, StringComparison.Ordinal);
        // One blob's write, not one per blob, and not retried (the 401 has no challenge to answer).
        await WaitUntil(() => _proxy.CountOf("POST", "/blobs/uploads/") >= 1);
        Assert.Equal(1, _proxy.CountOf("POST", "/blobs/uploads/"));
        Assert.Equal(0, _proxy.CountOf("PUT", "/manifests/"));
    }

    /// <summary>A token server that grants a token the registry then refuses (no write right): the challenge is answered once, then DRY6001 naming the repository.</summary>
    [Fact]
    public async Task AFreshTokenRefused_IsTwoRequestsAndNamesTheRepository()
    {
        _proxy.RequireBearer();
        _proxy.Respond("POST", "/blobs/uploads/", 401, times: 100,
            ("WWW-Authenticate", $"Bearer realm=\"{_proxy.TokenRealm}\",service=\"{RegistryProxy.Service}\",scope=\"repository:{_repository}:pull,push\""));

        var error = await Assert.ThrowsAsync<DrydockException>(() => Push(tags: ["1.0.0"]));

        Assert.Equal(KnownCodes.RegistryUnauthorized, error.Code);
        Assert.Contains("refused a token just issued", error.Message, StringComparison.Ordinal);
        Assert.Contains(_repository, error.Message, StringComparison.Ordinal);
        await WaitUntil(() => _proxy.CountOf("POST", "/blobs/uploads/") >= 2);
        Assert.Equal(2, _proxy.CountOf("POST", "/blobs/uploads/"));
        Assert.Equal(0, _proxy.CountOf("PUT", "/manifests/"));
    }

    /// <summary>ECR cuts the connection of an upload to a repository that does not exist: bounded retries of that one request, and a message saying the repository may not exist.</summary>
    [Fact]
    public async Task Ecr_ACutFirstPostSaysTheRepositoryMayNotExist()
    {
        _proxy.CutUpload("POST", "/blobs/uploads/", afterBytes: 0, times: 1000);

        var error = await Assert.ThrowsAsync<DrydockException>(() => Push(tags: ["1.0.0"]));

        Assert.Equal(KnownCodes.RegistryUnavailable, error.Code);
        Assert.Contains("may have no such repository", error.Message, StringComparison.Ordinal);
        Assert.Contains(_repository, error.Message, StringComparison.Ordinal);
        // One request, at most 3 attempts (the policy), whatever the number of blobs; the transport may resend a request
        // whose reused connection was cut before any answer, once.
        var posts = _proxy.CountOf("POST", "/blobs/uploads/");
        Assert.InRange(posts, 3, 6);
        Assert.Equal(0, _proxy.CountOf("PUT", "/manifests/"));
    }

    /// <summary>An immutable-tag registry (ECR TAG_INVALID, Harbor's precondition, others' 409): the same bytes again set nothing and pass.</summary>
    [Theory]
    [InlineData(400, "TAG_INVALID", "The image tag '{tag}' already exists in the repository and cannot be overwritten because the repository is immutable.")]
    [InlineData(412, "PRECONDITION", "Failed to process request due to '{tag}' configured as immutable.")]
    [InlineData(409, "MANIFEST_TAG_IMMUTABLE", "tag {tag} is immutable")]
    public async Task ImmutableTags_TheSameBytesAgainPass_aws_containers_roadmap_2380(int status, string code, string message)
    {
        string[] tags = ["sha-abc1234", "1.0.0", "main"];
        await Push(tags: tags);
        _proxy.ImmutableTags = (status, code, message);
        _proxy.Clear();

        var again = await Push(tags: tags);

        Assert.Equal(tags, again.Tags);
        Assert.Equal(tags, again.TagsUnchanged);
        Assert.Equal(0, _proxy.CountOf("PUT", "/manifests/"));
        // The proxy logs an exchange after its answer went out: the last one may land just after the push returned.
        await WaitUntil(() => _proxy.Requests.Count(r => r.Method == "HEAD" && tags.Any(tag => r.Path.EndsWith("/manifests/" + tag, StringComparison.Ordinal))) == tags.Length);
    }

    /// <summary>An immutable-tag registry refuses to move <c>main</c> to a new commit's image: a coded error naming the tag and the setting, before any tag of the publish is set.</summary>
    [Theory]
    [InlineData(400, "TAG_INVALID", "The image tag '{tag}' already exists in the repository and cannot be overwritten because the repository is immutable.")]
    [InlineData(412, "PRECONDITION", "Failed to process request due to '{tag}' configured as immutable.")]
    [InlineData(409, "MANIFEST_TAG_IMMUTABLE", "tag {tag} is immutable")]
    public async Task ImmutableTags_AMoveIsRefusedBeforeAnyTagIsSet_aws_containers_roadmap_862(int status, string code, string message)
    {
        await Push(tags: ["sha-abc1234", "1.0.0", "main"]);
        var next = Build("next commit");
        _proxy.ImmutableTags = (status, code, message);

        var error = await Assert.ThrowsAsync<DrydockException>(() => Push(next, tags: ["sha-def5678", "1.0.1", "main"]));

        Assert.Equal(KnownCodes.RegistryTagImmutable, error.Code);
        Assert.Contains("'main'", error.Message, StringComparison.Ordinal);
        Assert.Contains("immutable", error.Message, StringComparison.Ordinal);
        Assert.Contains("ContainerImageTags", error.Message, StringComparison.Ordinal);
        Assert.Null(await RegistryDigest("1.0.1"));
        Assert.Null(await RegistryDigest("sha-def5678"));
        Assert.Equal(Tested, await RegistryDigest("main"));
    }

    /// <summary>
    /// An immutable-tag registry without the referrers API keeps the referrers tag an earlier publish wrote: a re-run's
    /// new attestations are pushed by digest, the earlier ones stay findable, and the re-run passes with DRY6015.
    /// </summary>
    [Fact]
    public async Task ImmutableTags_WithoutReferrersApi_ARerunsNewReferrersWarnAndPass_aws_containers_roadmap_2380()
    {
        string[] tags = ["sha-abc1234", "1.0.0"];
        var referrersTag = ReferrerArtifact.ReferrersTag(_archive.ManifestDescriptor.Digest);
        var first = await Push(tags: tags, referrer: "{\"run\":1}"u8.ToArray());
        var listed = await RegistryDigest(referrersTag);
        Assert.NotNull(Assert.Single(first.Referrers).Digest);
        Assert.NotNull(listed);
        _proxy.ImmutableTags = (400, "TAG_INVALID", "The image tag '{tag}' already exists in the repository and cannot be overwritten because the repository is immutable.");

        var again = await Push(tags: tags, referrer: "{\"run\":2}"u8.ToArray());

        Assert.Equal(tags, again.TagsUnchanged);
        var referrer = Assert.Single(again.Referrers);
        Assert.Null(referrer.Error);
        Assert.Null(referrer.Digest);
        var warning = Assert.Single(_log.Warnings, w => w.Code == KnownCodes.ReferrersTagUnusable);
        Assert.Contains("immutable", warning.Message, StringComparison.Ordinal);
        Assert.Contains(referrersTag, warning.Message, StringComparison.Ordinal);
        Assert.Equal(listed, await RegistryDigest(referrersTag));
    }

    /// <summary>GitLab resolves <c>sha256-&lt;hex&gt;</c> to the manifest <c>sha256:&lt;hex&gt;</c>: the referrers tag names the subject, so nothing is written there.</summary>
    [Fact]
    public async Task GitLab_TheReferrersTagNamesTheSubject_NothingIsWrittenThere_oras_project_oras_go_1396()
    {
        _proxy.ResolvesDigestTags = true;

        var result = await Push(tags: ["1.0.0"], referrer: "{\"passed\":1}"u8.ToArray());

        Assert.True(result.Verified);
        var referrer = Assert.Single(result.Referrers);
        Assert.Null(referrer.Digest);
        Assert.Null(referrer.Error);
        Assert.Equal(0, _proxy.CountOf("PUT", "/manifests/sha256-"));
        var warning = Assert.Single(_log.Warnings);
        Assert.Equal(KnownCodes.ReferrersTagUnusable, warning.Code);
        Assert.Contains("the image itself", warning.Message, StringComparison.Ordinal);
        Assert.Contains("referrers API", warning.Message, StringComparison.Ordinal);
        Assert.Equal(Tested, await RegistryDigest("1.0.0"));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the proxy did not log the expected requests within 10 s");
            await Task.Delay(20);
        }
    }

    private OciArchive Build(string content) =>
        OciArchive.Open(new SdkArchiveFixture { AppFiles = new() { ["app/app.dll"] = content + Guid.NewGuid() } }.Write(_temp.File(Guid.NewGuid().ToString("n") + ".tar")));

    private Task<PushResult> Push(OciArchive? archive = null, IReadOnlyList<string>? tags = null, string? repository = null, byte[]? referrer = null) =>
        new ImagePusher(Options, null, _log).PushAsync(
            archive ?? _archive,
            new PushRequest
            {
                Registry = _proxy.Host,
                Repository = repository ?? _repository,
                Tags = tags ?? ["1.0.0"],
                Referrers = referrer is null ? [] : [new ReferrerContent("bundle.json", (archive ?? _archive).ManifestDescriptor.Digest, "application/vnd.dev.sigstore.bundle.v0.3+json", referrer, new Dictionary<string, string>())],
            },
            CancellationToken.None);

    /// <summary>The digest of what the registry itself serves under the tag (a manifest or an index, bypassing the proxy); null when the tag does not exist.</summary>
    private Task<string?> RegistryDigest(string tag) => RegistryServer.SharedDigestAsync(_repository, tag);
}
