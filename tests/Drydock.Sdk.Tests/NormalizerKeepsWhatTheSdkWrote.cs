using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Drydock.Build.Oci;
using Drydock.Sdk.Tests.Support;

namespace Drydock.Sdk.Tests;

/// <summary>
/// A publish folder with a symbolic link, a hard link, a path over 100 bytes, a non-ASCII name and an
/// empty directory, and a numeric ContainerUser (the SDK then writes the app's files as that uid):
/// Drydock's app layer holds exactly the SDK's own entries, changed only in times and order, and the
/// same commit gives the same digest again.
/// </summary>
public sealed class NormalizerKeepsWhatTheSdkWrote : IDisposable
{
    private const string LongDirectory = "assets/a-directory-name-that-is-long-enough-to-matter/another-level-of-nesting-for-good-measure";
    private const string LongFile = "with-a-file-name-of-its-own.txt";
    private const string NonAscii = "grüße-日本語.txt";

    private readonly TestProject _project = TestProject.Create(
        "oddfiles",
        sdk: "Microsoft.NET.Sdk",
        properties: "<ContainerRepository>drydock-e2e/odd-files</ContainerRepository><ContainerUser>1654</ContainerUser><InvariantGlobalization>true</InvariantGlobalization>");

    public NormalizerKeepsWhatTheSdkWrote()
    {
        // What a post-publish step might leave in the publish folder, made just before the SDK reads it.
        _project.WriteFile("oddfiles/Directory.Build.targets", $"""
            <Project>
              <Target Name="AddOddFiles" BeforeTargets="PublishContainer">
                <MakeDir Directories="$(PublishDir)data/empty;$(PublishDir){LongDirectory}" />
                <WriteLinesToFile File="$(PublishDir){LongDirectory}/{LongFile}" Lines="long" Overwrite="true" />
                <WriteLinesToFile File="$(PublishDir){NonAscii}" Lines="ünïcödé" Overwrite="true" />
                <Exec Command="ln -sfn oddfiles.dll current.dll &amp;&amp; ln -f oddfiles.runtimeconfig.json hardlinked.json" WorkingDirectory="$(PublishDir)" />
              </Target>
            </Project>
            """);
        _project.Commit("Odd files in the publish folder");
    }

    [Fact]
    public void App_layer_has_the_sdks_entries_but_times_and_order_and_the_digest_is_stable()
    {
        var publish = _project.Publish("-p:DrydockLoadImage=false", "-p:DrydockTest=false");
        Assert.True(publish.Succeeded, publish.StandardOutput);
        var digest = Oci.ManifestDigest(_project.ArchivePath);

        // The SDK's own archive of the same publish folder, without Drydock.
        var sdkArchive = Path.Combine(_project.Root, "sdk-image.tar");
        var sdk = _project.DotNet(
            "publish", "-c", "Release", "-nologo", "--no-build", "-t:PublishContainer", "-p:DrydockEnabled=false",
            $"-p:DrydockBaseRegistry={Paths.Registry}", $"-p:ContainerArchiveOutputPath={sdkArchive}", "-p:ContainerImageFormat=OCI");
        Assert.True(sdk.Succeeded, sdk.StandardOutput);

        var theirs = AppLayer(sdkArchive);
        var ours = AppLayer(_project.ArchivePath);
        Assert.Equal(string.Join('\n', theirs.Select(Meaning).Order(StringComparer.Ordinal)), string.Join('\n', ours.Select(Meaning).Order(StringComparer.Ordinal)));
        Assert.Equal(ours.Select(e => e.Name).Order(StringComparer.Ordinal), ours.Select(e => e.Name));
        Assert.All(ours, entry =>
        {
            Assert.Equal(1654, entry.Uid);
            Assert.Equal(DateTimeOffset.Parse("2026-01-02T03:04:05Z", System.Globalization.CultureInfo.InvariantCulture), entry.ModificationTime);
        });
        Assert.Equal(TarEntryType.Directory, ours.Single(e => e.Name == "app/data/empty").EntryType);
        Assert.Contains(ours, e => e.Name == $"app/{LongDirectory}/{LongFile}");
        Assert.Contains(ours, e => e.Name == $"app/{NonAscii}");
        Assert.Contains(ours, e => e.Name == "app/current.dll");
        Assert.Contains(ours, e => e.Name == "app/hardlinked.json");
        Assert.Equal("1654", (string?)Oci.Config(_project.ArchivePath)["config"]!["User"]);

        // Everything rebuilt from scratch: the same digest.
        _project.Git("clean", "-fdxq");
        var again = _project.Publish("-p:DrydockLoadImage=false", "-p:DrydockTest=false");
        Assert.True(again.Succeeded, again.StandardOutput);
        Assert.Equal(digest, Oci.ManifestDigest(_project.ArchivePath));
    }

    public void Dispose() => _project.Dispose();

    /// <summary>The last layer's entries, read with the BCL's reader from the archive's OCI layout.</summary>
    private static List<TarEntry> AppLayer(string archivePath)
    {
        var archive = OciArchive.Open(archivePath);
        using var blob = archive.OpenBlob(archive.Layers[^1].Digest);
        using var gzip = new GZipStream(blob, CompressionMode.Decompress);
        using var reader = new TarReader(gzip);
        var entries = new List<TarEntry>();
        while (reader.GetNextEntry(copyData: true) is { } entry)
        {
            entries.Add(entry);
        }

        return entries;
    }

    /// <summary>Everything an entry means when extracted, except its times: name, type, mode, owner, link, content, other pax records.</summary>
    private static string Meaning(TarEntry entry)
    {
        var content = entry.DataStream is { } data ? Convert.ToHexStringLower(SHA256.HashData(data)) : "-";
        string[] notMeaning = ["mtime", "atime", "ctime", "path", "linkpath", "size", "uid", "gid"];
        var records = entry is PaxTarEntry pax
            ? string.Join(';', pax.ExtendedAttributes.Where(r => !notMeaning.Contains(r.Key)).OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key}={r.Value}"))
            : "";
        return $"{entry.Name}|{entry.EntryType}|{Convert.ToString((int)entry.Mode, 8)}|{entry.Uid}:{entry.Gid}|{entry.LinkName}|{content}|{records}";
    }
}
