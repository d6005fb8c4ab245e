using System.Text.Json.Nodes;
using Drydock.Build.Oci;
using Drydock.Build.Oci.Registry;

namespace Drydock.Build.Tests.Oci.Registry;

public sealed class ReferrerArtifactTests
{
    private const string ArtifactType = "application/vnd.dev.sigstore.bundle.v0.3+json";

    private static readonly Descriptor Subject = new(OciMediaTypes.ImageManifest, Digest.Of("image"u8), 5);

    [Fact]
    public void IsAnOci11ArtifactManifestWithTheSubject()
    {
        var artifact = New("{\"passed\":3}");
        var manifest = JsonNode.Parse(artifact.ManifestBytes)!;

        Assert.Equal(ArtifactType, (string?)manifest["artifactType"]);
        Assert.Equal("application/vnd.oci.empty.v1+json", (string?)manifest["config"]!["mediaType"]);
        Assert.Equal("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", (string?)manifest["config"]!["digest"]);
        Assert.Equal(Subject.Digest.ToString(), (string?)manifest["subject"]!["digest"]);
        Assert.Equal(artifact.Blob.Digest.ToString(), (string?)manifest["layers"]![0]!["digest"]);
        Assert.Equal("2026-01-02T03:04:05Z", (string?)manifest["annotations"]!["org.opencontainers.image.created"]);
        Assert.Equal(Digest.Of(artifact.ManifestBytes), artifact.Manifest.Digest);
    }

    /// <summary>What a registry may serve under the referrers tag: only an image index is a referrers index (oras-go#1396).</summary>
    [Theory]
    [InlineData("subject", "")]
    [InlineData("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{},"layers":[]}""", "application/vnd.oci.image.manifest.v1+json")]
    [InlineData("""{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json"}""", "")]
    [InlineData("""{"schemaVersion":2,"manifests":[]}""", "")]
    [InlineData("not json", "application/octet-stream")]
    public void NotAReferrersIndex_NamesWhatIsThereInstead(string content, string mediaType)
    {
        var bytes = content == "subject" ? "image"u8.ToArray() : System.Text.Encoding.UTF8.GetBytes(content);

        var what = ReferrerArtifact.NotAReferrersIndex(bytes, mediaType, Subject.Digest);

        Assert.NotNull(what);
        Assert.Contains(content == "subject" ? "the image itself" : Digest.Of(bytes).ToString(), what, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}""", "")]
    [InlineData("""{"schemaVersion":2,"manifests":[]}""", "application/vnd.oci.image.index.v1+json")]
    public void NotAReferrersIndex_AcceptsAnIndex(string content, string mediaType) =>
        Assert.Null(ReferrerArtifact.NotAReferrersIndex(System.Text.Encoding.UTF8.GetBytes(content), mediaType, Subject.Digest));

    [Fact]
    public void TheReferrersTagIsTheSubjectDigestWithADash() =>
        Assert.Equal("sha256-" + Subject.Digest.Hex, ReferrerArtifact.ReferrersTag(Subject.Digest));

    [Fact]
    public void AddsItselfToTheReferrersIndexOnce()
    {
        var first = New("{\"passed\":3}");
        var second = New("{\"passed\":4}");

        var index = second.AddTo(first.AddTo(null));
        var again = second.AddTo(index);

        var manifests = JsonNode.Parse(again)!["manifests"]!.AsArray();
        Assert.Equal([first.Manifest.Digest.ToString(), second.Manifest.Digest.ToString()], manifests.Select(m => (string?)m!["digest"]));
        Assert.All(manifests, m => Assert.Equal(ArtifactType, (string?)m!["artifactType"]));
        Assert.Equal(OciMediaTypes.ImageIndex, (string?)JsonNode.Parse(again)!["mediaType"]);
    }

    private static ReferrerArtifact New(string content) => new(
        ArtifactType,
        System.Text.Encoding.UTF8.GetBytes(content),
        Subject,
        new Dictionary<string, string> { ["org.opencontainers.image.created"] = "2026-01-02T03:04:05Z" });
}
