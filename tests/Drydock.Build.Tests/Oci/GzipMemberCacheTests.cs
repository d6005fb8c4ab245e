using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Drydock.Build.Oci;
using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Oci;

/// <summary>
/// A file of at least <see cref="ReproducibleGzipStream.MinMemberSize"/> bytes gets a gzip member of its own,
/// which <see cref="GzipMemberCache"/> keeps between publishes: the layer's bytes are the same with and
/// without the cache, every gzip reader reads the members as one stream, and the cache is what is read.
/// </summary>
public sealed class GzipMemberCacheTests : IDisposable
{
    private static readonly DateTimeOffset Epoch = DateTimeOffset.Parse("2024-05-06T07:08:09Z", System.Globalization.CultureInfo.InvariantCulture);

    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private static NormalizeOptions Options(DateTimeOffset epoch, GzipMemberCache? cache) => new()
    {
        Epoch = epoch,
        Names = ["shop/api:sha-1234567"],
        GzipCache = cache,
    };

    /// <summary>Pseudo-random text (compressible, but not to nothing) of <paramref name="length"/> characters.</summary>
    private static string Content(int seed, int length)
    {
        var random = new Random(seed);
        var text = new StringBuilder(length);
        while (text.Length < length)
        {
            text.Append(CultureInfo.InvariantCulture, $"{random.Next(100_000)} ");
        }

        return text.ToString(0, length);
    }

    private static SdkArchiveFixture Fixture(string bigContent) => new()
    {
        AppFiles = new Dictionary<string, string>
        {
            ["app/web.dll"] = "MZ small",
            ["app/wwwroot/big.js"] = bigContent,
            ["app/wwwroot/other.css"] = Content(7, 3 * ReproducibleGzipStream.MinMemberSize),
        },
    };

    [Fact]
    public void Normalize_WithAndWithoutCache_GivesTheSameBytes_AndTheCacheHoldsTheBigFiles()
    {
        var sdk = Fixture(Content(1, 2 * ReproducibleGzipStream.MinMemberSize)).Write(temp.File("sdk.tar"));
        var cache = new GzipMemberCache(temp.File("cache"));

        var plain = ImageNormalizer.Normalize(sdk, temp.File("plain.tar"), Options(Epoch, null));
        var cold = ImageNormalizer.Normalize(sdk, temp.File("cold.tar"), Options(Epoch, cache));
        var warm = ImageNormalizer.Normalize(sdk, temp.File("warm.tar"), Options(Epoch.AddDays(1), cache));
        var warmPlain = ImageNormalizer.Normalize(sdk, temp.File("warm-plain.tar"), Options(Epoch.AddDays(1), null));

        Assert.Equal(File.ReadAllBytes(plain.ArchivePath), File.ReadAllBytes(cold.ArchivePath));
        Assert.Equal(File.ReadAllBytes(warmPlain.ArchivePath), File.ReadAllBytes(warm.ArchivePath));
        Assert.NotEqual(cold.ManifestDigest, warm.ManifestDigest); // a new epoch: new headers, same file data
        Assert.Equal(2, Directory.GetFiles(temp.File("cache")).Length);
    }

    [Fact]
    public void Normalize_MembersOfALayer_ReadAsOneTar_ByTheBclAndByGnuGzip()
    {
        var big = Content(2, 5 * ReproducibleGzipStream.MinMemberSize);
        var image = ImageNormalizer.Normalize(Fixture(big).Write(temp.File("sdk.tar")), temp.File("out.tar"), Options(Epoch, null));
        var layer = new NormalizedArchive(image.ArchivePath).Layer(1);
        File.WriteAllBytes(temp.File("layer.tar.gz"), layer);

        var bcl = SdkArchiveFixture.Decompress(layer);
        var gnu = Gunzip(temp.File("layer.tar.gz"));

        Assert.Equal(bcl, gnu);
        Assert.Equal(image.Layers.Count, new NormalizedArchive(image.ArchivePath).Config["rootfs"]!["diff_ids"]!.AsArray().Count);
        Assert.Equal((string?)new NormalizedArchive(image.ArchivePath).Config["rootfs"]!["diff_ids"]![1], SdkArchiveFixture.Sha(bcl));
        var entries = NormalizedArchive.ReadTar(bcl);
        using var data = new StreamReader(entries.Single(e => e.Name == "app/wwwroot/big.js").DataStream!);
        Assert.Equal(big, data.ReadToEnd());
        // Three members at least: the headers before big.js, big.js, and what follows it.
        Assert.True(CountMembers(layer) >= 3, $"{CountMembers(layer)} gzip members");
    }

    [Fact]
    public void Normalize_CachedMember_IsWhatTheLayerHolds()
    {
        var sdk = Fixture(Content(3, 2 * ReproducibleGzipStream.MinMemberSize)).Write(temp.File("sdk.tar"));
        var cache = new GzipMemberCache(temp.File("cache"));
        ImageNormalizer.Normalize(sdk, temp.File("first.tar"), Options(Epoch, cache));
        // Every cached member replaced by the same data deflated at another level: still valid, other bytes.
        foreach (var file in Directory.GetFiles(temp.File("cache")))
        {
            var original = SdkArchiveFixture.Decompress(File.ReadAllBytes(file));
            using var output = new MemoryStream();
            using (var gzip = new GZipStream(output, CompressionLevel.NoCompression, leaveOpen: true))
            {
                gzip.Write(original);
            }

            File.WriteAllBytes(file, output.ToArray());
        }

        var fromCache = ImageNormalizer.Normalize(sdk, temp.File("second.tar"), Options(Epoch, cache));
        var fresh = ImageNormalizer.Normalize(sdk, temp.File("fresh.tar"), Options(Epoch, null));

        Assert.NotEqual(fresh.Layers[1].Digest, fromCache.Layers[1].Digest);
        Assert.Equal(fresh.Layers[1].Digest, ImageNormalizer.Normalize(sdk, temp.File("third.tar"), Options(Epoch, null)).Layers[1].Digest);
        Assert.Equal(
            SdkArchiveFixture.Decompress(new NormalizedArchive(fresh.ArchivePath).Layer(1)),
            SdkArchiveFixture.Decompress(new NormalizedArchive(fromCache.ArchivePath).Layer(1)));
    }

    [Fact]
    public void Prune_DropsMembersThisPublishDidNotUse()
    {
        var cache = new GzipMemberCache(temp.File("cache"));
        ImageNormalizer.Normalize(Fixture(Content(4, 2 * ReproducibleGzipStream.MinMemberSize)).Write(temp.File("a.tar")), temp.File("out-a.tar"), Options(Epoch, cache));
        var before = Directory.GetFiles(temp.File("cache")).Select(Path.GetFileName).ToHashSet();

        var next = new GzipMemberCache(temp.File("cache"));
        ImageNormalizer.Normalize(Fixture(Content(5, 2 * ReproducibleGzipStream.MinMemberSize)).Write(temp.File("b.tar")), temp.File("out-b.tar"), Options(Epoch, next));
        File.WriteAllText(Path.Combine(temp.File("cache"), "left-by-a-stopped-build.tmp"), "x");
        next.Prune();

        var after = Directory.GetFiles(temp.File("cache")).Select(Path.GetFileName).ToHashSet();
        Assert.Equal(2, after.Count); // big.js (new content) and other.css (unchanged, reused)
        Assert.Single(before.Intersect(after));
    }

    private static byte[] Gunzip(string path)
    {
        var start = new ProcessStartInfo("gzip", ["-dc", path]) { RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        using var output = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(output);
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, process.ExitCode);
        return output.ToArray();
    }

    /// <summary>Member headers in the layer (RFC 1952: every member starts with one; Drydock's are all alike, and 10 such bytes inside deflate data are unlikely).</summary>
    private static int CountMembers(byte[] gzip)
    {
        byte[] header = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF];
        var count = 0;
        var rest = gzip.AsSpan();
        for (var at = rest.IndexOf(header); at >= 0; at = rest.IndexOf(header))
        {
            count++;
            rest = rest[(at + 1)..];
        }

        return count;
    }
}
