using Drydock.Build.Diagnostics;
using Drydock.Build.Oci;
using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Oci;

public sealed class OciArchiveTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Open_SdkArchive_ReadsManifestConfigAndLayers()
    {
        var fixture = new SdkArchiveFixture();
        var archive = OciArchive.Open(fixture.Write(temp.File("sdk.tar")));

        Assert.Equal(2, archive.Layers.Count);
        Assert.Equal(2, archive.DiffIds.Count);
        Assert.Equal("linux", (string?)archive.Config["os"]);
        Assert.Equal(OciMediaTypes.ImageConfig, archive.ConfigDescriptor.MediaType);
        using var blob = archive.OpenVerifiedBlob(archive.Layers[0]);
        using var copy = new MemoryStream();
        blob.CopyTo(copy);
        Assert.Equal(fixture.BaseLayer, copy.ToArray());
    }

    [Fact]
    public void Open_MissingFile_IsDry3001()
    {
        var path = temp.File("nope.tar");

        var error = Assert.Throws<DrydockException>(() => OciArchive.Open(path));

        Assert.Equal(KnownCodes.ImageArchiveMissing, error.Code);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("empty")]
    [InlineData("gzip")]
    [InlineData("tar without layout")]
    public void Open_NotAnOciLayout_IsDry3002(string kind)
    {
        var path = temp.File("bad.tar");
        switch (kind)
        {
            case "garbage":
                File.WriteAllBytes(path, [.. Enumerable.Range(0, 2000).Select(i => (byte)(i * 7))]);
                break;
            case "empty":
                File.WriteAllBytes(path, []);
                break;
            case "gzip":
                File.WriteAllBytes(path, [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3]);
                break;
            default:
                System.Formats.Tar.TarFile.CreateFromDirectory(temp.Path, path + ".tmp", includeBaseDirectory: false);
                File.Move(path + ".tmp", path);
                break;
        }

        var error = Assert.Throws<DrydockException>(() => OciArchive.Open(path));

        Assert.Equal(KnownCodes.ImageArchiveInvalid, error.Code);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_ManifestDigestMismatch_IsDry3002()
    {
        var path = new SdkArchiveFixture { CorruptManifest = true }.Write(temp.File("sdk.tar"));

        var error = Assert.Throws<DrydockException>(() => OciArchive.Open(path));

        Assert.Equal(KnownCodes.ImageArchiveInvalid, error.Code);
        Assert.Contains("manifest", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_MissingLayerBlob_IsDry3002()
    {
        var fixture = new SdkArchiveFixture { OmitBaseLayer = true };
        var path = fixture.Write(temp.File("sdk.tar"));

        var error = Assert.Throws<DrydockException>(() => OciArchive.Open(path));

        Assert.Equal(KnownCodes.ImageArchiveInvalid, error.Code);
        Assert.Contains($"blob {SdkArchiveFixture.Sha(fixture.BaseLayer)} is missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OpenVerifiedBlob_CorruptLayer_IsDry3002WhenReadToTheEnd()
    {
        var archive = OciArchive.Open(new SdkArchiveFixture { CorruptBaseLayer = true }.Write(temp.File("sdk.tar")));

        using var blob = archive.OpenVerifiedBlob(archive.Layers[0]);
        var error = Assert.Throws<DrydockException>(() => blob.CopyTo(Stream.Null));

        Assert.Equal(KnownCodes.ImageArchiveInvalid, error.Code);
        Assert.Contains(archive.Layers[0].Digest.ToString(), error.Message, StringComparison.Ordinal);
    }
}
