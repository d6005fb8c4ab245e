using System.Formats.Tar;
using System.Security.Cryptography;
using CsCheck;
using Drydock.Build.Oci;
using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Oci;

/// <summary>
/// The normalizer keeps what the SDK meant: for any app layer written the SDK's way (System.Formats.Tar's
/// pax TarWriter, entries in file-system order, each with its time), the normalized layer holds the same
/// entries — name, type, mode, uid, gid, link target, content, non-time pax records — and differs only
/// in times (all the epoch, no time records) and order (ordinal, each hard link after its target).
/// </summary>
public sealed class NormalizerKeepsEntries : IDisposable
{
    private static readonly DateTimeOffset Epoch = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    private static readonly string[] TimeRecords = ["mtime", "atime", "ctime"];

    private static readonly string[] DerivedRecords = ["path", "linkpath", "size", "uid", "gid", "uname", "gname"];

    private readonly TempDirectory temp = new();

    /// <summary>ASCII, punctuation that sorts before '/', and scripts that take 2 and 3 bytes in UTF-8.</summary>
    private static readonly Gen<string> Segment = Gen.String[Gen.Char["abcXYZ09._- üéß日本語"], 1, 70]
        .Where(s => s.Trim() == s && s is not ("." or ".."));

    private static readonly Gen<string> RelativePath = Segment.Array[1, 4].Select(segments => "app/" + string.Join('/', segments));

    private static readonly Gen<Spec> EntrySpec = Gen.Select(
        RelativePath,
        Gen.Int[0, 3],
        Gen.Int[0, 0xFFF],
        Gen.Frequency((4, Gen.Int[0, 70_000]), (1, Gen.Int[2_097_152, 3_000_000])),
        Gen.Int[0, 70_000],
        Gen.Byte.Array[0, 700],
        Gen.Frequency((3, Gen.Const((string?)null)), (1, Gen.String[Gen.Char["abc=日 "], 1, 20].Select(v => (string?)v))),
        Gen.Long[0, 2_000_000_000],
        (path, kind, mode, uid, gid, content, xattr, mtime) => new Spec(path, kind, mode, uid, gid, content, xattr, mtime));

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Normalize_AnySdkLayer_KeepsEveryEntryButTimesAndOrder()
    {
        EntrySpec.Array[1, 25].Sample(
            specs =>
            {
                var original = SdkLayer(specs);
                var sdk = new SdkArchiveFixture { AppLayerTar = original }.Write(temp.File($"sdk-{Guid.NewGuid():N}.tar"));

                var image = ImageNormalizer.Normalize(sdk, temp.File($"out-{Guid.NewGuid():N}.tar"), new NormalizeOptions { Epoch = Epoch, Names = ["app:1"] });

                var before = NormalizedArchive.ReadTar(original);
                var after = NormalizedArchive.ReadTar(SdkArchiveFixture.Decompress(new NormalizedArchive(image.ArchivePath).Layer(1)));
                Assert.Equal(string.Join("\n", before.Select(Meaning).Order(StringComparer.Ordinal)), string.Join("\n", after.Select(Meaning).Order(StringComparer.Ordinal)));
                Assert.All(after, entry =>
                {
                    Assert.Equal(Epoch, entry.ModificationTime);
                    Assert.DoesNotContain(Records(entry).Keys, TimeRecords.Contains);
                    Assert.Equal(string.Empty, ((PosixTarEntry)entry).UserName);
                    Assert.Equal(string.Empty, ((PosixTarEntry)entry).GroupName);
                });
                AssertWritingOrder(after);
            },
            iter: 60,
            threads: 1);
    }

    [Fact]
    public void Normalize_HardLinkSortingBeforeItsTarget_IsWrittenAfterIt()
    {
        var layer = SdkLayer(
        [
            new Spec("app/z-target.dll", 0, 0b111_101_101, 1654, 0, [1, 2, 3], null, 0),
            new Spec("app/a-link.dll", 3, 0b111_101_101, 1654, 0, [], null, 0),
        ]);
        var sdk = new SdkArchiveFixture { AppLayerTar = layer }.Write(temp.File("sdk.tar"));

        var image = ImageNormalizer.Normalize(sdk, temp.File("out.tar"), new NormalizeOptions { Epoch = Epoch, Names = ["app:1"] });

        var after = NormalizedArchive.ReadTar(SdkArchiveFixture.Decompress(new NormalizedArchive(image.ArchivePath).Layer(1)));
        Assert.Equal(["app/z-target.dll", "app/a-link.dll"], after.Select(e => e.Name));
        Assert.Equal(TarEntryType.HardLink, after[1].EntryType);
        Assert.Equal("app/z-target.dll", after[1].LinkName);
        Assert.Equal(1654, after[0].Uid);
    }

    /// <summary>One entry to generate: <see cref="Kind"/> 0 file, 1 directory, 2 symbolic link (to <see cref="Xattr"/> or a path), 3 hard link (to an earlier file).</summary>
    private sealed record Spec(string Path, int Kind, int Mode, int Uid, int Gid, byte[] Content, string? Xattr, long MTime);

    /// <summary>As the SDK writes its app layer: a pax tar, entries in the order given, each with its own mtime.</summary>
    private static byte[] SdkLayer(IEnumerable<Spec> specs)
    {
        using var output = new MemoryStream();
        using (var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true))
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            var files = new List<string>();
            foreach (var spec in specs.Where(spec => names.Add(spec.Path)))
            {
                var type = spec.Kind switch
                {
                    1 => TarEntryType.Directory,
                    2 => TarEntryType.SymbolicLink,
                    3 when files.Count > 0 => TarEntryType.HardLink,
                    _ => TarEntryType.RegularFile,
                };
                var attributes = spec.Xattr is null ? [] : new Dictionary<string, string> { ["SCHILY.xattr.user.drydock"] = spec.Xattr };
                var entry = new PaxTarEntry(type, spec.Path, attributes)
                {
                    Mode = (UnixFileMode)spec.Mode,
                    Uid = spec.Uid,
                    Gid = spec.Gid,
                    ModificationTime = DateTimeOffset.FromUnixTimeSeconds(spec.MTime).AddMilliseconds(spec.Content.Length),
                };
                switch (type)
                {
                    case TarEntryType.RegularFile:
                        entry.DataStream = new MemoryStream(spec.Content);
                        files.Add(spec.Path);
                        break;
                    case TarEntryType.SymbolicLink:
                        entry.LinkName = "../" + string.Concat(Enumerable.Repeat(spec.Path, 1 + (spec.Content.Length % 3)));
                        break;
                    case TarEntryType.HardLink:
                        entry.LinkName = files[spec.Content.Length % files.Count];
                        break;
                }

                writer.WriteEntry(entry);
            }
        }

        return output.ToArray();
    }

    /// <summary>Everything an entry means to a runtime that extracts it, except its times.</summary>
    private static string Meaning(TarEntry entry)
    {
        var content = entry.DataStream is { } data ? Convert.ToHexStringLower(SHA256.HashData(data)) : "-";
        var type = entry.EntryType == TarEntryType.V7RegularFile ? TarEntryType.RegularFile : entry.EntryType;
        var records = string.Join(";", Records(entry)
            .Where(r => !TimeRecords.Contains(r.Key) && !DerivedRecords.Contains(r.Key))
            .OrderBy(r => r.Key, StringComparer.Ordinal)
            .Select(r => $"{r.Key}={r.Value}"));
        return $"{entry.Name}|{type}|{Convert.ToString((int)entry.Mode, 8)}|{entry.Uid}:{entry.Gid}|{entry.LinkName}|{entry.Length}|{content}|{records}";
    }

    private static IReadOnlyDictionary<string, string> Records(TarEntry entry) =>
        entry is PaxTarEntry pax ? pax.ExtendedAttributes : new Dictionary<string, string>();

    /// <summary>Ordinal by name, but a hard link may wait until the entry it names is written.</summary>
    private static void AssertWritingOrder(List<TarEntry> entries)
    {
        var others = entries.Where(e => e.EntryType != TarEntryType.HardLink).Select(e => e.Name).ToList();
        Assert.Equal(others.Order(StringComparer.Ordinal), others);
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].EntryType == TarEntryType.HardLink)
            {
                var target = entries.FindIndex(e => e.Name == entries[i].LinkName);
                Assert.InRange(target, 0, i - 1);
            }
        }
    }
}
