using System.Formats.Tar;
using System.Text.Json.Nodes;
using Drydock.Build.Oci;
using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Oci;

public sealed class ImageNormalizerTests : IDisposable
{
    private static readonly DateTimeOffset Epoch = DateTimeOffset.Parse("2024-05-06T07:08:09Z", System.Globalization.CultureInfo.InvariantCulture);

    private readonly TempDirectory temp = new();

    private static NormalizeOptions Options => new()
    {
        Epoch = Epoch.AddMilliseconds(420), // sub-seconds are dropped
        Names = ["shop/api:sha-1234567", "shop/api:main"],
        Annotations = new Dictionary<string, string>
        {
            ["org.opencontainers.image.revision"] = "1234567890abcdef",
            ["io.drydock.git.branch"] = "main",
        },
    };

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Normalize_TwoPublishesAtDifferentTimesFromDifferentPaths_GiveIdenticalBytes()
    {
        var first = new SdkArchiveFixture { BuiltAt = DateTimeOffset.UtcNow }.Write(temp.File("clone-a.tar"));
        var second = new SdkArchiveFixture { BuiltAt = DateTimeOffset.UtcNow.AddHours(-30).AddMilliseconds(123) }.Write(temp.File("clone-b.tar.gz"));
        Assert.NotEqual(File.ReadAllBytes(first), File.ReadAllBytes(second));

        var a = ImageNormalizer.Normalize(first, temp.File("out/a.tar"), Options);
        var b = ImageNormalizer.Normalize(second, temp.File("other/b.tar"), Options);

        Assert.Equal(a.ManifestDigest, b.ManifestDigest);
        Assert.Equal(a.ConfigDigest, b.ConfigDigest);
        Assert.Equal(File.ReadAllBytes(a.ArchivePath), File.ReadAllBytes(b.ArchivePath));
    }

    [Fact]
    public void Normalize_BaseLayer_IsCopiedUnchanged()
    {
        var fixture = new SdkArchiveFixture();
        var image = ImageNormalizer.Normalize(fixture.Write(temp.File("sdk.tar")), temp.File("out.tar"), Options);

        var archive = new NormalizedArchive(image.ArchivePath);
        Assert.Equal(SdkArchiveFixture.Sha(fixture.BaseLayer), image.Layers[0].Digest.ToString());
        Assert.Equal("application/vnd.docker.image.rootfs.diff.tar.gzip", image.Layers[0].MediaType);
        Assert.Equal(fixture.BaseLayer, archive.Layer(0));
    }

    [Fact]
    public void Normalize_AppLayer_HasSortedEntriesWithEpochTimesAndNoExtendedHeaders()
    {
        var image = ImageNormalizer.Normalize(new SdkArchiveFixture().Write(temp.File("sdk.tar")), temp.File("out.tar"), Options);

        var layer = new NormalizedArchive(image.ArchivePath).Layer(1);
        var entries = NormalizedArchive.ReadTar(SdkArchiveFixture.Decompress(layer));
        Assert.Equal(["app", "app/appsettings.json", "app/current", "app/web.dll", "app/web.runtimeconfig.json"], entries.Select(e => e.Name));
        Assert.All(entries, e =>
        {
            Assert.Equal(TarEntryFormat.Ustar, e.Format);
            Assert.Equal(Epoch.ToUnixTimeSeconds(), e.ModificationTime.ToUnixTimeSeconds());
            Assert.Equal(0, e.ModificationTime.Millisecond);
            Assert.Equal(0, e.Uid);
            Assert.Equal(0, e.Gid);
            Assert.Equal(string.Empty, ((PosixTarEntry)e).UserName);
            Assert.Equal(string.Empty, ((PosixTarEntry)e).GroupName);
        });
        Assert.Equal(TarEntryType.Directory, entries[0].EntryType);
        Assert.Equal(TarEntryType.SymbolicLink, entries[2].EntryType);
        Assert.Equal("web.dll", entries[2].LinkName);
        Assert.Equal((UnixFileMode)0b111_101_101, entries[3].Mode);
        Assert.Equal("MZ fake assembly"u8.ToArray(), ReadData(entries[3]));
    }

    [Fact]
    public void Normalize_NameTooLongForUstar_GetsPaxPathOnly()
    {
        var fixture = new SdkArchiveFixture();
        fixture.AppFiles[SdkArchiveFixture.LongName] = "console.log(1)";
        var image = ImageNormalizer.Normalize(fixture.Write(temp.File("sdk.tar")), temp.File("out.tar"), Options);

        var entries = NormalizedArchive.ReadTar(SdkArchiveFixture.Decompress(new NormalizedArchive(image.ArchivePath).Layer(1)));
        var entry = Assert.IsType<PaxTarEntry>(entries.Single(e => e.Name == SdkArchiveFixture.LongName));
        Assert.Equal(["path"], entry.ExtendedAttributes.Keys);
        Assert.Equal(Epoch.ToUnixTimeSeconds(), entry.ModificationTime.ToUnixTimeSeconds());
        Assert.Equal("console.log(1)"u8.ToArray(), ReadData(entry));
    }

    [Fact]
    public void Normalize_NonAsciiName_GetsPaxPathOnly()
    {
        var fixture = new SdkArchiveFixture();
        fixture.AppFiles["app/grüße-日本.txt"] = "ü";
        var image = ImageNormalizer.Normalize(fixture.Write(temp.File("sdk.tar")), temp.File("out.tar"), Options);

        var entries = NormalizedArchive.ReadTar(SdkArchiveFixture.Decompress(new NormalizedArchive(image.ArchivePath).Layer(1)));
        var entry = Assert.IsType<PaxTarEntry>(entries.Single(e => e.Name == "app/grüße-日本.txt"));
        Assert.Equal(["path"], entry.ExtendedAttributes.Keys);
    }

    [Fact]
    public void Normalize_AppLayer_IsReproducibleGzip()
    {
        var image = ImageNormalizer.Normalize(new SdkArchiveFixture().Write(temp.File("sdk.tar")), temp.File("out.tar"), Options);

        var layer = new NormalizedArchive(image.ArchivePath).Layer(1);
        // RFC 1952: magic, deflate, no flags, MTIME 0, XFL 0, OS 255 (unknown) — nothing of this machine.
        Assert.Equal(new byte[] { 0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF }, layer[..10]);
        Assert.Equal(SdkArchiveFixture.Sha(layer), image.Layers[1].Digest.ToString());
        Assert.Equal(layer.Length, image.Layers[1].Size);
    }

    [Fact]
    public void Normalize_Config_HasEpochTimesAndNewDiffId()
    {
        var image = ImageNormalizer.Normalize(new SdkArchiveFixture().Write(temp.File("sdk.tar")), temp.File("out.tar"), Options);

        var archive = new NormalizedArchive(image.ArchivePath);
        var config = archive.Config;
        Assert.Equal("2024-05-06T07:08:09Z", (string?)config["created"]);
        Assert.All(config["history"]!.AsArray(), h => Assert.Equal("2024-05-06T07:08:09Z", (string?)h!["created"]));
        Assert.Equal("2024-05-06T07:08:09Z", (string?)config["config"]!["Labels"]!["org.opencontainers.image.created"]);
        Assert.Equal("1.0.0", (string?)config["config"]!["Labels"]!["org.opencontainers.image.version"]);
        var diffIds = config["rootfs"]!["diff_ids"]!.AsArray().Select(d => (string?)d).ToList();
        Assert.Equal(SdkArchiveFixture.Sha(SdkArchiveFixture.Decompress(archive.Layer(1))), diffIds[1]);
        Assert.Equal(SdkArchiveFixture.Sha(SdkArchiveFixture.Decompress(archive.Layer(0))), diffIds[0]);
        Assert.Equal(["config", "created", "rootfs", "architecture", "os", "history"], config.Select(p => p.Key));
        Assert.Equal(SdkArchiveFixture.Sha(archive.Blob(image.ConfigDigest.ToString())), image.ConfigDigest.ToString());
    }

    [Fact]
    public void Normalize_ManifestAndIndex_CarryAnnotationsAndOneTaggedEntry()
    {
        var image = ImageNormalizer.Normalize(new SdkArchiveFixture().Write(temp.File("sdk.tar")), temp.File("out.tar"), Options);

        var archive = new NormalizedArchive(image.ArchivePath);
        Assert.Equal(
            """{"io.drydock.git.branch":"main","org.opencontainers.image.revision":"1234567890abcdef"}""",
            archive.Manifest["annotations"]!.ToJsonString());
        var entry = Assert.Single(archive.Index["manifests"]!.AsArray())!;
        Assert.Equal("""{"org.opencontainers.image.ref.name":"shop/api:sha-1234567"}""", entry["annotations"]!.ToJsonString());
        Assert.Equal(image.ManifestDigest.ToString(), (string?)entry["digest"]);
        Assert.Equal(image.ManifestSize, (long)entry["size"]!);
        Assert.Equal("amd64", (string?)entry["platform"]!["architecture"]);
        var manifestBytes = archive.Blob(image.ManifestDigest.ToString());
        Assert.Equal(image.ManifestDigest.ToString(), SdkArchiveFixture.Sha(manifestBytes));
        Assert.Contains("application/vnd.oci.image.layer.v1.tar+gzip", System.Text.Encoding.UTF8.GetString(manifestBytes), StringComparison.Ordinal);
        Assert.Equal(image.ManifestSize + image.Layers.Sum(l => l.Size) + archive.Blob(image.ConfigDigest.ToString()).Length, image.TotalSize);
    }

    [Fact]
    public void Normalize_DockerArchiveManifest_PointsAtTheSameConfigAndLayersWithEveryName()
    {
        var image = ImageNormalizer.Normalize(new SdkArchiveFixture().Write(temp.File("sdk.tar")), temp.File("out.tar"), Options);

        var archive = new NormalizedArchive(image.ArchivePath);
        var entry = Assert.Single(JsonNode.Parse(archive.Files["manifest.json"])!.AsArray())!;
        Assert.Equal("blobs/sha256/" + image.ConfigDigest.Hex, (string?)entry["Config"]);
        Assert.Equal(["shop/api:sha-1234567", "shop/api:main"], entry["RepoTags"]!.AsArray().Select(t => (string?)t));
        Assert.Equal(image.Layers.Select(l => "blobs/sha256/" + l.Digest.Hex), entry["Layers"]!.AsArray().Select(l => (string?)l));
        Assert.All(entry["Layers"]!.AsArray(), l => Assert.True(archive.Files.ContainsKey((string)l!)));
        Assert.Equal(image.ConfigDigest.ToString(), SdkArchiveFixture.Sha(archive.Files[(string)entry["Config"]!]));
    }

    [Fact]
    public void Normalize_NoName_IsRefused()
    {
        var sdk = new SdkArchiveFixture().Write(temp.File("sdk.tar"));

        Assert.Throws<ArgumentException>(() => ImageNormalizer.Normalize(sdk, temp.File("out.tar"), Options with { Names = [] }));
    }

    [Fact]
    public void Normalize_NoAnnotations_OmitsManifestAnnotations()
    {
        var image = ImageNormalizer.Normalize(new SdkArchiveFixture().Write(temp.File("sdk.tar")), temp.File("out.tar"), Options with { Annotations = new Dictionary<string, string>() });

        Assert.False(new NormalizedArchive(image.ArchivePath).Manifest.ContainsKey("annotations"));
    }

    [Fact]
    public void Normalize_OuterArchive_IsSortedWithEpochTimes()
    {
        var image = ImageNormalizer.Normalize(new SdkArchiveFixture().Write(temp.File("sdk.tar")), temp.File("out.tar"), Options);

        var entries = new NormalizedArchive(image.ArchivePath).Entries;
        Assert.Equal(entries.Select(e => e.Name).Order(StringComparer.Ordinal), entries.Select(e => e.Name));
        Assert.Equal(["index.json", "manifest.json", "oci-layout"], entries.Select(e => e.Name).TakeLast(3));
        Assert.Equal(7, entries.Count);
        Assert.All(entries, e =>
        {
            Assert.Equal(TarEntryFormat.Ustar, e.Format);
            Assert.Equal(Epoch.ToUnixTimeSeconds(), e.ModificationTime.ToUnixTimeSeconds());
            Assert.Equal(0, e.Uid);
        });
    }

    [Fact]
    public void Normalize_OutputAlreadyIdentical_IsNotRewritten()
    {
        var sdk = new SdkArchiveFixture().Write(temp.File("sdk.tar"));
        var output = temp.File("out.tar");
        ImageNormalizer.Normalize(sdk, output, Options);
        var stamp = new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(output, stamp);

        var again = ImageNormalizer.Normalize(new SdkArchiveFixture { BuiltAt = DateTimeOffset.UtcNow.AddMinutes(5) }.Write(temp.File("sdk2.tar")), output, Options);

        Assert.False(again.ArchiveWritten);
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(output));
        Assert.Equal(["out.tar", "sdk.tar", "sdk2.tar"], Directory.GetFiles(temp.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Normalize_SameBlobsOtherNames_IsRewritten()
    {
        var sdk = new SdkArchiveFixture().Write(temp.File("sdk.tar"));
        var output = temp.File("out.tar");
        ImageNormalizer.Normalize(sdk, output, Options);

        var again = ImageNormalizer.Normalize(sdk, output, Options with { Names = ["shop/api:sha-7654321"] });

        Assert.True(again.ArchiveWritten);
        Assert.Equal("shop/api:sha-7654321", (string?)new NormalizedArchive(output).Index["manifests"]![0]!["annotations"]!["org.opencontainers.image.ref.name"]);
    }

    [Fact]
    public void Normalize_OutputDiffers_IsReplaced()
    {
        var output = temp.File("out.tar");
        File.WriteAllText(output, "old");

        var image = ImageNormalizer.Normalize(new SdkArchiveFixture().Write(temp.File("sdk.tar")), output, Options);

        Assert.True(image.ArchiveWritten);
        Assert.Equal(image.ManifestDigest.ToString(), (string?)new NormalizedArchive(output).Index["manifests"]![0]!["digest"]);
    }

    [Fact]
    public void Normalize_CorruptBaseLayerFoundWhileWriting_LeavesNoOutput()
    {
        var sdk = new SdkArchiveFixture { CorruptBaseLayer = true }.Write(temp.File("sdk.tar"));
        var output = temp.File("out/image.tar");

        var error = Assert.Throws<Drydock.Build.Diagnostics.DrydockException>(() => ImageNormalizer.Normalize(sdk, output, Options));

        Assert.Equal("DRY3002", error.Code);
        Assert.Contains(sdk, error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(temp.File("out")));
    }

    [Fact]
    public void Normalize_DoesNotDependOnCulture()
    {
        var sdk = new SdkArchiveFixture().Write(temp.File("sdk.tar"));
        var invariant = ImageNormalizer.Normalize(sdk, temp.File("a.tar"), Options);
        var culture = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("th-TH");
            Assert.Equal(invariant.ManifestDigest, ImageNormalizer.Normalize(sdk, temp.File("b.tar"), Options).ManifestDigest);
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = culture;
        }
    }

    [Theory]
    [InlineData(".NET SDK", false, 1)]
    [InlineData(".NET SDK", true, null)]
    [InlineData("someone else", false, null)]
    public void CountAppLayers_CountsNonEmptySdkHistoryEntries(string author, bool emptyLayer, int? expected)
    {
        var config = new JsonObject
        {
            ["history"] = new JsonArray(
                new JsonObject { ["created_by"] = "base" },
                new JsonObject { ["author"] = author, ["empty_layer"] = emptyLayer }),
        };

        Assert.Equal(expected, ImageNormalizer.CountAppLayers(config, layerCount: 2));
    }

    [Fact]
    public void CountAppLayers_MoreSdkEntriesThanLayers_IsUnknown()
    {
        var sdk = new JsonObject { ["author"] = ".NET SDK" };
        var config = new JsonObject { ["history"] = new JsonArray(sdk, sdk.DeepClone(), sdk.DeepClone()) };

        Assert.Equal(3, ImageNormalizer.CountAppLayers(config, layerCount: 3));
        Assert.Null(ImageNormalizer.CountAppLayers(config, layerCount: 2));
    }

    private static byte[] ReadData(TarEntry entry)
    {
        using var data = new MemoryStream();
        entry.DataStream!.Position = 0;
        entry.DataStream.CopyTo(data);
        return data.ToArray();
    }
}
