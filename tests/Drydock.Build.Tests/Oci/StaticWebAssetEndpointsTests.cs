using Drydock.Build.Oci;
using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Oci;

public sealed class StaticWebAssetEndpointsTests
{
    private static readonly DateTimeOffset Commit = DateTimeOffset.Parse("2026-02-03T04:05:06.789+01:00", System.Globalization.CultureInfo.InvariantCulture);

    // The shape the SDK 10.0.401 writes (compact; a .gz endpoint and the asset's own), ETags and all.
    private const string Manifest = """{"Version":1,"ManifestType":"Publish","Endpoints":[{"Route":"css/site.css","AssetFile":"css/site.css.gz","Selectors":[{"Name":"Content-Encoding","Value":"gzip","Quality":"0.001915708812"}],"ResponseHeaders":[{"Name":"Content-Encoding","Value":"gzip"},{"Name":"ETag","Value":"\"CPtnHh9JqZEejbgfxXTU5JyXupImVKZKbhTSwDKs+1E=\""},{"Name":"Last-Modified","Value":"Sun, 29 Nov 2026 17:58:47 GMT"}]},{"Route":"css/site.css","AssetFile":"css/site.css","Selectors":[],"ResponseHeaders":[{"Name":"ETag","Value":"\"FhJVBJaMVdZvmLGrgARwfwgi9NxErw9D9sSS4PYUkkA=\""},{"Name": "Last-Modified", "Value": "Fri, 27 Nov 2026 09:00:00 GMT"}]}]}""";

    [Fact]
    public void Pin_SetsEveryLastModifiedToTheEpochInUtc_AndKeepsEverythingElse()
    {
        var pinned = StaticWebAssetEndpoints.Pin(Manifest, Commit);

        Assert.Equal(2, pinned.Split("Tue, 03 Feb 2026 03:05:06 GMT").Length - 1);
        Assert.DoesNotContain("2026 17:58:47", pinned, StringComparison.Ordinal);
        Assert.DoesNotContain("Fri, 27 Nov", pinned, StringComparison.Ordinal);
        Assert.Equal(
            Manifest.Replace("Sun, 29 Nov 2026 17:58:47 GMT", "X", StringComparison.Ordinal).Replace("Fri, 27 Nov 2026 09:00:00 GMT", "X", StringComparison.Ordinal),
            pinned.Replace("Tue, 03 Feb 2026 03:05:06 GMT", "X", StringComparison.Ordinal));
    }

    [Fact]
    public void PinInFolder_RewritesOnlyAManifestThatChanges()
    {
        using var temp = new TempDirectory();
        var manifest = temp.Write("web.staticwebassets.endpoints.json", Manifest);
        var other = temp.Write("web.staticwebassets.runtime.json", Manifest);

        Assert.Equal([manifest], StaticWebAssetEndpoints.PinInFolder(temp.Path, Commit));
        var pinned = File.ReadAllText(manifest);
        Assert.Contains("Tue, 03 Feb 2026 03:05:06 GMT", pinned, StringComparison.Ordinal);
        Assert.Equal(Manifest, File.ReadAllText(other));

        // A second publish with the same epoch: nothing to write, so the file (and the image's inputs) stay as they are.
        Assert.Empty(StaticWebAssetEndpoints.PinInFolder(temp.Path, Commit));
        Assert.Equal(pinned, File.ReadAllText(manifest));
        Assert.Empty(StaticWebAssetEndpoints.PinInFolder(temp.File("no-such-folder"), Commit));
    }
}
