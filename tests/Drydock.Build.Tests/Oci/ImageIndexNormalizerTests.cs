using System.Formats.Tar;
using System.Text.Json.Nodes;
using Drydock.Build.Diagnostics;
using Drydock.Build.Oci;
using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Oci;

/// <summary>
/// A multi-platform image: every platform normalized (in parallel) into one index archive, each blob written
/// once, no single-image archive per platform until one is cut for a load.
/// </summary>
public sealed class ImageIndexNormalizerTests : IDisposable
{
    private static readonly DateTimeOffset Epoch = DateTimeOffset.Parse("2024-05-06T07:08:09Z", System.Globalization.CultureInfo.InvariantCulture);

    private static readonly NormalizeOptions Options = new()
    {
        Epoch = Epoch,
        Names = ["shop/api:sha-1234567", "shop/api:main"],
        Annotations = new Dictionary<string, string> { ["org.opencontainers.image.revision"] = "1234567890abcdef" },
    };

    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private static SdkArchiveFixture Amd64(DateTimeOffset builtAt) => new() { BuiltAt = builtAt };

    // Another base (its own file) as arm64 has: no blob is shared between the platforms.
    private static SdkArchiveFixture Arm64(DateTimeOffset builtAt) => new() { BuiltAt = builtAt, Architecture = "arm64", BaseEntries = [FixtureEntry.File("lib/ld-linux-aarch64.so.1", "ELF")] };

    private static List<string> TarNames(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new TarReader(stream);
        var names = new List<string>();
        while (reader.GetNextEntry() is { } entry)
        {
            names.Add(entry.Name);
        }

        return names;
    }

    [Fact]
    public void Normalize_WritesEveryBlobOnceIntoTheIndexArchive_AndNoPlatformArchive()
    {
        var sdk = SdkArchiveFixture.WriteIndex(temp.File("sdk-image.tar"), Amd64(DateTimeOffset.UtcNow), Arm64(DateTimeOffset.UtcNow));
        var output = temp.File("drydock/image.tar");

        var index = ImageIndexNormalizer.Normalize(sdk, output, Options);

        var names = TarNames(output);
        Assert.Equal(names.Distinct().Count(), names.Count);
        // The index, and per platform its manifest, config and base layer; the app layer is the same for both
        // (the same files, normalized with the same epoch, as a framework-dependent app's are): stored once.
        Assert.Equal(1 + (2 * 3) + 1, names.Count(n => n.StartsWith("blobs/sha256/", StringComparison.Ordinal)));
        Assert.Equal(["image.tar"], Directory.GetFiles(temp.File("drydock")).Select(Path.GetFileName));
        Assert.Equal(["linux/amd64", "linux/arm64"], index.Platforms.Select(p => p.Platform.ToString()));
        var read = OciArchive.OpenIndex(output)!.Value;
        Assert.Equal(index.Index, read.Index);
        Assert.Equal(index.Platforms.Select(p => p.Image.ManifestDigest), read.Images.Select(i => i.Image.ManifestDescriptor.Digest));
        Assert.Equal(["amd64", "arm64"], read.Images.Select(i => (string?)i.Image.Config["architecture"]));
    }

    [Fact]
    public void Normalize_SameInputsInAnyRidOrderAtAnyTime_GiveTheSameIndexAndBytes()
    {
        var now = DateTimeOffset.UtcNow;
        var first = SdkArchiveFixture.WriteIndex(temp.File("a.tar"), Amd64(now), Arm64(now));
        var second = SdkArchiveFixture.WriteIndex(temp.File("b.tar"), Arm64(now.AddHours(-5)), Amd64(now.AddHours(-3)));

        var a = ImageIndexNormalizer.Normalize(first, temp.File("out-a/image.tar"), Options);
        var b = ImageIndexNormalizer.Normalize(second, temp.File("out-b/image.tar"), Options);

        Assert.Equal(a.Index.Digest, b.Index.Digest);
        Assert.Equal(File.ReadAllBytes(a.ArchivePath), File.ReadAllBytes(b.ArchivePath));
    }

    [Fact]
    public void Normalize_PlatformsFail_TheFirstPlatformsErrorIsThrownAndEachLogKeepsItsOrder()
    {
        var sdk = SdkArchiveFixture.WriteIndex(temp.File("sdk-image.tar"), Arm64(DateTimeOffset.UtcNow), Amd64(DateTimeOffset.UtcNow));
        var log = new ListBuildLog();

        var error = Assert.Throws<DrydockException>(() => ImageIndexNormalizer.Normalize(sdk, temp.File("image.tar"), Options, (archive, platform, platformLog) =>
        {
            platformLog.Detail($"preparing {platform}");
            // The later platform in order fails first in time.
            if (platform.Architecture == "amd64")
            {
                Thread.Sleep(200);
            }

            throw new DrydockException(KnownCodes.ImageArchiveInvalid, $"{platform} failed");
        }, log));

        Assert.Equal("linux/amd64 failed", error.Message);
        Assert.Equal(["preparing linux/amd64", "preparing linux/arm64"], log.Details);
        Assert.False(File.Exists(temp.File("image.tar")));
    }

    [Fact]
    public void ExtractPlatform_CutsALoadableSingleImageWithTheIndexsDigests()
    {
        var sdk = SdkArchiveFixture.WriteIndex(temp.File("sdk-image.tar"), Amd64(DateTimeOffset.UtcNow), Arm64(DateTimeOffset.UtcNow));
        var output = temp.File("image.tar");
        var index = ImageIndexNormalizer.Normalize(sdk, output, Options);
        var arm = ImageIndexNormalizer.PlatformArchivePath(output, new Platform("linux", "arm64"));

        var written = ImageIndexNormalizer.ExtractPlatform(output, "linux/arm64", arm, Options.Names, new ListBuildLog(), CancellationToken.None);
        var again = ImageIndexNormalizer.ExtractPlatform(output, "linux/arm64", arm, Options.Names, new ListBuildLog(), CancellationToken.None);

        Assert.True(written);
        Assert.False(again);
        Assert.EndsWith("image.linux-arm64.tar", arm, StringComparison.Ordinal);
        var single = OciArchive.Open(arm);
        Assert.Equal(index.Platforms.Single(p => p.Platform.Architecture == "arm64").Image.ManifestDigest, single.ManifestDescriptor.Digest);
        Assert.Equal("arm64", (string?)single.Config["architecture"]);
        // Docker's part too: engines before 25 load only manifest.json.
        var docker = JsonNode.Parse(new NormalizedArchive(arm).Files["manifest.json"])!.AsArray().Single()!;
        Assert.Equal(Options.Names, docker["RepoTags"]!.AsArray().Select(n => (string?)n));
    }

    [Fact]
    public void ExtractPlatform_NoNames_CutsAnImageLoadedById()
    {
        // Another platform of the index is loaded by id (the tags stay on the host's image): no ref.name, no RepoTags.
        var output = temp.File("image.tar");
        ImageIndexNormalizer.Normalize(SdkArchiveFixture.WriteIndex(temp.File("sdk-image.tar"), Amd64(DateTimeOffset.UtcNow), Arm64(DateTimeOffset.UtcNow)), output, Options);
        var arm = ImageIndexNormalizer.PlatformArchivePath(output, new Platform("linux", "arm64"));

        Assert.True(ImageIndexNormalizer.ExtractPlatform(output, "linux/arm64", arm, [], new ListBuildLog(), CancellationToken.None));

        var files = new NormalizedArchive(arm).Files;
        Assert.Null(JsonNode.Parse(files["index.json"])!["manifests"]![0]!["annotations"]);
        Assert.Empty(JsonNode.Parse(files["manifest.json"])!.AsArray().Single()!["RepoTags"]!.AsArray());
        Assert.Equal("arm64", (string?)OciArchive.Open(arm).Config["architecture"]);
    }

    [Fact]
    public void Normalize_NewIndex_DeletesThePlatformArchivesCutFromTheOldOne()
    {
        var output = temp.File("image.tar");
        ImageIndexNormalizer.Normalize(SdkArchiveFixture.WriteIndex(temp.File("one.tar"), Amd64(DateTimeOffset.UtcNow), Arm64(DateTimeOffset.UtcNow)), output, Options);
        var amd = ImageIndexNormalizer.PlatformArchivePath(output, new Platform("linux", "amd64"));
        ImageIndexNormalizer.ExtractPlatform(output, "linux/amd64", amd, Options.Names, new ListBuildLog(), CancellationToken.None);
        Assert.True(File.Exists(amd));

        var changed = new SdkArchiveFixture { AppFiles = new() { ["app/web.dll"] = "MZ changed" } };
        ImageIndexNormalizer.Normalize(SdkArchiveFixture.WriteIndex(temp.File("two.tar"), changed, Arm64(DateTimeOffset.UtcNow)), output, Options);

        Assert.False(File.Exists(amd));
    }

    [Fact]
    public void OpenImage_NamesAPlatformTheIndexLacks_IsDry3002()
    {
        var output = temp.File("image.tar");
        ImageIndexNormalizer.Normalize(SdkArchiveFixture.WriteIndex(temp.File("sdk.tar"), Amd64(DateTimeOffset.UtcNow), Arm64(DateTimeOffset.UtcNow)), output, Options);

        var missing = Assert.Throws<DrydockException>(() => OciArchive.OpenImage(output, "linux/s390x"));
        var unnamed = Assert.Throws<DrydockException>(() => OciArchive.OpenImage(output, null));

        Assert.Equal(KnownCodes.ImageArchiveInvalid, missing.Code);
        Assert.Contains("no image for 'linux/s390x' (it has linux/amd64, linux/arm64)", missing.Message, StringComparison.Ordinal);
        Assert.Equal(KnownCodes.ImageArchiveInvalid, unnamed.Code);
        Assert.Equal("arm64", (string?)OciArchive.OpenImage(output, "linux/arm64").Config["architecture"]);
    }

    [Fact]
    public void OpenImage_SingleImage_IgnoresThePlatform()
    {
        var single = new SdkArchiveFixture().Write(temp.File("single.tar"));

        Assert.Equal(OciArchive.Open(single).ManifestDescriptor, OciArchive.OpenImage(single, "linux/arm64").ManifestDescriptor);
    }
}
