using Drydock.Build.Oci;
using Drydock.Build.Oci.Registry;
using Drydock.Build.Tests.Support;
using Drydock.Tests.Registry;

namespace Drydock.Build.Tests.Oci.Registry;

/// <summary>An unchanged re-push, counted request by request through a proxy: no blob is sent or even asked about.</summary>
public sealed class Repush : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task AnUnchangedRepushTouchesNoBlobAndRewritesNoReferrer()
    {
        await using var proxy = RegistryProxy.Start(new Uri($"http://{RegistryServer.SharedHost}/"));
        var archive = OciArchive.Open(new SdkArchiveFixture { AppFiles = new() { ["app/app.dll"] = Guid.NewGuid().ToString() } }.Write(_temp.File("image.tar")));
        var request = new PushRequest
        {
            Registry = proxy.Host,
            Repository = "drydock-tests/repush-" + Guid.NewGuid().ToString("n")[..12],
            Tags = ["1.0.0"],
            Referrers = [new ReferrerContent("bundle.json", archive.ManifestDescriptor.Digest, "application/vnd.dev.sigstore.bundle.v0.3+json", "{\"passed\":2}"u8.ToArray(), new Dictionary<string, string>())],
        };
        var pusher = new ImagePusher(new RegistryOptions(), null, new ListBuildLog());
        var first = await pusher.PushAsync(archive, request, CancellationToken.None);
        Assert.True(proxy.CountOf("PUT", "/blobs/uploads/") >= archive.Layers.Count + 1);
        proxy.Clear();

        var again = await pusher.PushAsync(archive, request, CancellationToken.None);

        Assert.Equal(first.Digest, again.Digest);
        Assert.Equal(first.Referrers.Single().Digest, again.Referrers.Single().Digest);
        Assert.Equal(["1.0.0"], again.Tags);
        Assert.Equal(["1.0.0"], again.TagsUnchanged);
        Assert.Equal(0, again.BlobsUploaded);
        Assert.DoesNotContain(proxy.Requests, r => r.Path.Contains("/blobs/", StringComparison.Ordinal));
        Assert.Equal(0, proxy.CountOf("PUT", "/manifests/sha256-"));
        // The image by digest; the version tag read, and not written again: it already names these bytes (immutable-tag
        // registries refuse that PUT); the referrer.
        Assert.Equal(
            ["GET /v2/", "HEAD manifests", "HEAD manifests", "HEAD manifests", "PUT manifests", "GET manifests"],
            proxy.Requests.Select(r => r.Path == "/v2/" ? "GET /v2/" : $"{r.Method} {r.Path.Split('/')[^2]}"));
    }
}
