using System.Diagnostics;
using Drydock.Build.Diagnostics;
using Drydock.Build.Oci;
using Drydock.Build.Oci.Registry;
using Drydock.Build.Tests.Support;
using Drydock.Tests.Registry;

namespace Drydock.Build.Tests.Oci.Registry;

/// <summary>
/// Faults the real registry cannot produce on demand, from a loopback proxy in front of the one
/// eng/setup.sh runs: throttling, outages, cut connections, expiring tokens, refusals.
/// </summary>
public sealed class RegistryFaults : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly ListBuildLog _log = new();
    private readonly string _repository = "drydock-tests/faults-" + Guid.NewGuid().ToString("n")[..12];
    private RegistryProxy _proxy = null!;
    private OciArchive _archive = null!;

    public Task InitializeAsync()
    {
        _proxy = RegistryProxy.Start(new Uri($"http://{RegistryServer.SharedHost}/"));
        _archive = OciArchive.Open(new SdkArchiveFixture { AppFiles = new() { ["app/app.dll"] = Guid.NewGuid().ToString() } }.Write(_temp.File("image.tar")));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    public void Dispose() => _temp.Dispose();

    private string Tested => _archive.ManifestDescriptor.Digest.ToString();

    private int BlobCount => _archive.Layers.Count + 1;

    [Fact]
    public async Task A429WithRetryAfterIsWaitedForThenTheBlobIsPushed()
    {
        _proxy.Respond("HEAD", "/blobs/", 429, times: 1, ("Retry-After", "1"));

        var clock = Stopwatch.StartNew();
        var result = await Push();

        Assert.True(result.Verified);
        Assert.Single(_proxy.Requests, r => r.Status == 429);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
        Assert.Contains(_log.Details, line => line.Contains("got 429", StringComparison.Ordinal) && line.Contains("in 1 s", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A503ThenSuccessIsRetried()
    {
        _proxy.Respond("PUT", $"/manifests/{Tested}", 503, times: 2);

        var result = await Push();

        Assert.True(result.Verified);
        Assert.Equal(3, _proxy.CountOf("PUT", $"/manifests/{Tested}"));
    }

    [Fact]
    public async Task AConnectionCutMidUploadStartsTheUploadAgain()
    {
        var layer = _archive.Layers[0];
        _proxy.CutUpload("PUT", $"digest={Uri.EscapeDataString(layer.Digest.ToString())}", afterBytes: 100);

        var result = await Push();

        Assert.True(result.Verified);
        Assert.Single(_proxy.Requests, r => r.Status == 0 && r.Method == "PUT");
        Assert.Equal(BlobCount + 1, _proxy.CountOf("POST", "/blobs/uploads/"));
        Assert.Equal(Tested, await RegistryDigest("1.0.0"));
    }

    [Fact]
    public async Task ARegistryThatRefusesABlobInOneRequestGetsItInChunks()
    {
        var layer = _archive.Layers[0];
        _proxy.Respond("PUT", $"digest={Uri.EscapeDataString(layer.Digest.ToString())}", 413, times: 1);

        var result = await new ImagePusher(Options with { ChunkSize = 100 }, null, _log).PushAsync(
            _archive, new PushRequest { Registry = _proxy.Host, Repository = _repository, Tags = ["1.0.0"] }, CancellationToken.None);

        Assert.True(result.Verified);
        Assert.Equal((int)Math.Ceiling(layer.Size / 100.0), _proxy.CountOf("PATCH", "/blobs/uploads/"));
        Assert.True(layer.Size > 200, $"the layer must take several chunks; it has {layer.Size} bytes");
        Assert.Equal(Tested, await RegistryDigest("1.0.0"));
        Assert.Contains(_log.Details, line => line.Contains("in chunks", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ARegistryThatAsksForChunksGetsChunksOfAtLeastItsMinimum()
    {
        _proxy.When("POST", "/blobs/uploads/", ProxyFault.AddHeaders(("OCI-Chunk-Min-Length", "150")), times: 100);

        var result = await new ImagePusher(Options with { ChunkSize = 100, Parallelism = 1 }, null, _log).PushAsync(
            _archive, new PushRequest { Registry = _proxy.Host, Repository = _repository, Tags = ["1.0.0"] }, CancellationToken.None);

        Assert.True(result.Verified);
        var expected = _archive.Layers.Prepend(_archive.ConfigDescriptor).Sum(blob => (int)Math.Ceiling(blob.Size / 150.0));
        Assert.Equal(expected, _proxy.CountOf("PATCH", "/blobs/uploads/"));
        Assert.All(_proxy.Requests.Where(r => r.Method == "PATCH").SkipLast(1), r => Assert.True(r.BodyBytes <= 150));
        Assert.Equal(Tested, await RegistryDigest("1.0.0"));
    }

    [Fact]
    public async Task ARegistryWithTheReferrersApiGetsNoReferrersTag()
    {
        _proxy.When("PUT", "/manifests/sha256:", ProxyFault.AddHeaders(("OCI-Subject", "indexed")), times: 100);

        var result = await Push(referrer: "{\"passed\":1}"u8.ToArray());

        Assert.NotNull(Assert.Single(result.Referrers).Digest);
        Assert.Equal(0, _proxy.CountOf("PUT", "/manifests/sha256-"));
        Assert.Equal(0, _proxy.CountOf("GET", "/manifests/sha256-"));
    }

    [Fact]
    public async Task AnExpiredTokenIsRenewedMidPush()
    {
        _proxy.RequireBearer("robot", "token-secret");
        // Hold the manifest PUT back until the tokens are expired.
        _proxy.When("PUT", $"/manifests/{Tested}", ProxyFault.Delay(TimeSpan.FromSeconds(3)));
        var push = Push(new RegistryCredential("robot", "token-secret", "test"));
        await WaitUntil(() => _proxy.CountOf("HEAD", "/blobs/") >= BlobCount);
        _proxy.ExpireTokens();

        var result = await push;

        Assert.True(result.Verified);
        Assert.Equal(2, _proxy.TokenRequests.Count(t => t.Status == 200));
        Assert.All(_proxy.TokenRequests, t => Assert.True(t.BasicAuthPresented));
        Assert.Contains($"repository:{_repository}:pull,push", _proxy.TokenRequests[0].Scopes);
        Assert.DoesNotContain(_log.All, line => line.Contains("token-secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ATokenServerThatRefusesTheCredentialsIsDry6001()
    {
        _proxy.RequireBearer("robot", "token-secret");

        var error = await Assert.ThrowsAsync<DrydockException>(() => Push(new RegistryCredential("robot", "nope", "~/.docker/config.json")));

        Assert.Equal(KnownCodes.RegistryUnauthorized, error.Code);
        Assert.Contains("token server refused the credentials from ~/.docker/config.json", error.Message);
        Assert.Equal(0, _proxy.CountOf("POST", "/blobs/uploads/"));
    }

    [Theory]
    [InlineData(403, KnownCodes.RegistryForbidden)]
    [InlineData(404, KnownCodes.RegistryNotFound)]
    [InlineData(401, KnownCodes.RegistryUnauthorized)]
    public async Task RefusalsFailAtOnceWithoutRetrying(int status, string code)
    {
        _proxy.Respond("POST", "/blobs/uploads/", status, times: 100);

        var error = await Assert.ThrowsAsync<DrydockException>(() => Push());

        Assert.Equal(code, error.Code);
        // One blob's POST, and not again (401: once more after the challenge, which has no scheme).
        Assert.InRange(_proxy.CountOf("POST", "/blobs/uploads/"), 1, Math.Min(BlobCount, 4) * (status == 401 ? 2 : 1));
        Assert.Equal(0, _proxy.CountOf("PUT", "/manifests/"));
    }

    [Fact]
    public async Task AnOutageThatOutlastsTheRetriesIsDry6004AndSetsNoTag()
    {
        _proxy.Respond("PUT", "/manifests/", 503, times: 100);

        var error = await Assert.ThrowsAsync<DrydockException>(() => Push());

        Assert.Equal(KnownCodes.RegistryUnavailable, error.Code);
        Assert.Contains("failed 3 times", error.Message);
        Assert.Equal(3, _proxy.CountOf("PUT", "/manifests/"));
    }

    [Fact]
    public async Task ATagThatFailsNamesTheTagsSetAndNotSet()
    {
        _proxy.Respond("PUT", "/manifests/beta$", 403, times: 1);

        var error = await Assert.ThrowsAsync<DrydockException>(() => Push(tags: ["1.0.0", "beta", "main"]));

        Assert.Equal(KnownCodes.TagsPartlyPushed, error.Code);
        Assert.Contains($"{_proxy.Host}/{_repository}: set 1.0.0, not set beta, main.", error.Message);
        Assert.Contains(KnownCodes.RegistryForbidden, error.Message);
        Assert.Equal(Tested, await RegistryDigest("1.0.0"));
        Assert.Null(await RegistryDigest("main"));
    }

    [Fact]
    public async Task ARegistryThatStoresOtherBytesIsDry6006AndNoTagMoves()
    {
        var other = "sha256:" + new string('0', 64);
        _proxy.Respond("PUT", $"/manifests/{Tested}", 201, times: 1, ("Docker-Content-Digest", other));

        var error = await Assert.ThrowsAsync<DrydockException>(() => Push());

        Assert.Equal(KnownCodes.PushedDigestMismatch, error.Code);
        Assert.Contains(other, error.Message);
        Assert.Equal(0, _proxy.CountOf("PUT", "/manifests/1.0.0"));
    }

    [Fact]
    public async Task TheBaseLayersAreMountedFromTheBaseRepositoryInTheSameRegistry()
    {
        var baseRepository = _repository + "-base";
        await Push(repository: baseRepository);
        var app = OciArchive.Open(new SdkArchiveFixture
        {
            AppFiles = new() { ["app/app.dll"] = "another app on the same base" },
            Labels = new Dictionary<string, string> { ["org.opencontainers.image.base.name"] = $"{_proxy.Host}/{baseRepository}:1.0.0" },
        }.Write(_temp.File("app.tar")));
        _proxy.Clear();

        var result = await new ImagePusher(Options, null, _log).PushAsync(app, new PushRequest { Registry = _proxy.Host, Repository = _repository, Tags = ["2"] }, CancellationToken.None);

        Assert.Equal(1, result.BlobsMounted);
        Assert.Equal(2, result.BlobsUploaded);
        Assert.Equal(1, _proxy.CountOf("POST", $"mount={app.Layers[0].Digest}"));
    }

    [Fact]
    public async Task TheBaseLayersAreMountedFromTheMirrorTheBaseWasPulledFrom()
    {
        // The image names its base as the project did (mcr.microsoft.com/…); DrydockBaseRegistry is where it came from.
        var baseRepository = _repository + "-base";
        await Push(repository: baseRepository);
        var app = OciArchive.Open(new SdkArchiveFixture
        {
            AppFiles = new() { ["app/app.dll"] = "an app on a mirrored base" },
            Labels = new Dictionary<string, string> { ["org.opencontainers.image.base.name"] = $"mcr.microsoft.com/{baseRepository}:1.0.0" },
        }.Write(_temp.File("app.tar")));
        _proxy.Clear();

        var result = await new ImagePusher(Options, null, _log).PushAsync(
            app, new PushRequest { Registry = _proxy.Host, Repository = _repository, Tags = ["2"], BaseRegistry = _proxy.Host }, CancellationToken.None);

        Assert.Equal(1, result.BlobsMounted);
        Assert.Equal(1, _proxy.CountOf("POST", $"mount={app.Layers[0].Digest}"));
        Assert.Null(ImagePusher.BaseRepository(app, _proxy.Host));
    }

    [Fact]
    public async Task AnUploadWithoutLocationIsAProtocolError()
    {
        _proxy.Respond("POST", "/blobs/uploads/", 202, times: 100);

        var error = await Assert.ThrowsAsync<DrydockException>(() => Push());

        Assert.Equal(KnownCodes.RegistryProtocolError, error.Code);
        Assert.Contains("without a Location header", error.Message);
    }

    [Fact]
    public async Task ATokenAboutToExpireIsRenewedBeforeItIsRefused()
    {
        _proxy.RequireBearer();
        // Renewed from half its life on: the requests after the 2 s held manifest PUT get a new token,
        // although the proxy would still take the first until 3 s (the whole push takes less).
        _proxy.TokenLifetime = TimeSpan.FromSeconds(3);
        _proxy.When("PUT", $"/manifests/{Tested}", ProxyFault.Delay(TimeSpan.FromSeconds(2)));

        var result = await Push();

        Assert.True(result.Verified);
        Assert.True(_proxy.TokenRequests.Count >= 2, $"{_proxy.TokenRequests.Count} token requests");
        Assert.All(_proxy.TokenRequests, t => Assert.False(t.BasicAuthPresented));
    }

    [Fact]
    public async Task AReferrerTheRegistryRefusesIsRecordedNotThrown()
    {
        _proxy.Respond("PUT", "/manifests/sha256-", 400, times: 1);

        var result = await Push(referrer: "{\"passed\":1}"u8.ToArray());

        Assert.True(result.Verified);
        var referrer = Assert.Single(result.Referrers);
        Assert.Null(referrer.Digest);
        Assert.StartsWith("DRY60", referrer.Error, StringComparison.Ordinal);
    }

    private static RegistryOptions Options => new() { Retry = new RetryPolicy(3, TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(5)) };

    private Task<PushResult> Push(RegistryCredential? credential = null, IReadOnlyList<string>? tags = null, string? repository = null, byte[]? referrer = null) =>
        new ImagePusher(Options, credential, _log).PushAsync(
            _archive,
            new PushRequest
            {
                Registry = _proxy.Host,
                Repository = repository ?? _repository,
                Tags = tags ?? ["1.0.0"],
                Referrers = referrer is null ? [] : [new ReferrerContent("bundle.json", _archive.ManifestDescriptor.Digest, "application/vnd.dev.sigstore.bundle.v0.3+json", referrer, new Dictionary<string, string>())],
            },
            CancellationToken.None);

    /// <summary>The digest of what the registry itself serves under the tag (bypassing the proxy); null when the tag does not exist.</summary>
    private Task<string?> RegistryDigest(string tag) => RegistryServer.SharedDigestAsync(_repository, tag);

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the push did not get that far within 30 s");
            await Task.Delay(20);
        }
    }
}
