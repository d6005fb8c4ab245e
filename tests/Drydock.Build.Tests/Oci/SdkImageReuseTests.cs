using System.Formats.Tar;
using System.Text;
using Drydock.Build.Oci;
using Drydock.Build.Tasks;
using Drydock.Build.Tests.Support;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Drydock.Build.Tests.Oci;

/// <summary>
/// A publish that only changes the content of the app's files makes the SDK's last image again from the publish
/// folder (<see cref="SdkImageRecord"/>, <see cref="ReuseSdkImage"/>): the same image, digest for digest, as the SDK's
/// own image of the changed files normalized, and the SDK runs again whenever anything else changed.
/// </summary>
public sealed class SdkImageReuseTests : IDisposable
{
    private static readonly ITaskItem[] Inputs = [new TaskItem("base=localhost:5000/dotnet/aspnet:10.0"), new TaskItem("label org.opencontainers.image.revision")];

    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private string Publish => temp.File("publish");

    private string Obj => temp.File("obj");

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Reuse_OnlyFileContentChanged_GivesTheDigestOfTheSdksOwnImage(bool layering)
    {
        var first = PublishFiles(("web.dll", "MZ first"), ("appsettings.json", "{}"), ("wwwroot/site.css", "body{}"), ("Npgsql.dll", "MZ npgsql"));
        Normalize(Obj, SdkArchive(first, "aaaaaaa", DateTimeOffset.UtcNow.AddDays(-1)), "aaaaaaa", reused: false, layering);
        Assert.True(File.Exists(RecordFile(Obj)));

        var second = PublishFiles(("web.dll", "MZ second, a longer assembly"), ("appsettings.json", "{}"), ("wwwroot/site.css", "body{}"), ("Npgsql.dll", "MZ npgsql"));
        var decision = Decide(Obj);
        Assert.True(decision.Reuse, string.Join('\n', decision.Log));
        var reused = Normalize(Obj, Path.Combine(Obj, "sdk-image.tar"), "bbbbbbb", reused: true, layering);

        // What the SDK itself would have made of the second publish folder, built at another time.
        var fresh = Normalize(temp.File("fresh"), SdkArchive(second, "bbbbbbb", DateTimeOffset.UtcNow), "bbbbbbb", reused: false, layering);
        Assert.Equal(fresh, reused);
        Assert.Equal(reused, OciArchive.Open(Path.Combine(Obj, "image.tar")).ManifestDescriptor.Digest);
        // The reused record now names the new archive: the next content change reuses again.
        PublishFiles(("web.dll", "MZ third"), ("appsettings.json", "{}"), ("wwwroot/site.css", "body{}"), ("Npgsql.dll", "MZ npgsql"));
        Assert.True(Decide(Obj).Reuse);
    }

    [Fact]
    public void Reuse_AnythingButFileContentChanged_RunsTheSdk()
    {
        var files = PublishFiles(("web.dll", "MZ first"), ("appsettings.json", "{}"));
        Normalize(Obj, SdkArchive(files, "aaaaaaa", DateTimeOffset.UtcNow), "aaaaaaa", reused: false, layering: true);
        Assert.True(Decide(Obj).Reuse);

        Assert.Contains("the container properties changed", Decide(Obj, [.. Inputs, new TaskItem("env ASPNETCORE_URLS")]).Log[0], StringComparison.Ordinal);
        Assert.Contains("DrydockReuseSdkImage=false", Decide(Obj, enabled: false).Log[0], StringComparison.Ordinal);

        File.WriteAllText(Path.Combine(Obj, "sdk-image.tar"), "the SDK ran already in this publish");
        Assert.Contains("it already built this publish's image", Decide(Obj).Log[0], StringComparison.Ordinal);
        File.Delete(Path.Combine(Obj, "sdk-image.tar"));

        File.WriteAllText(Path.Combine(Publish, "appsettings.Production.json"), "{}");
        Assert.Contains("files were added to or removed from the publish folder", Decide(Obj).Log[0], StringComparison.Ordinal);
        File.Delete(Path.Combine(Publish, "appsettings.Production.json"));
        File.Delete(Path.Combine(Publish, "appsettings.json"));
        Assert.Contains("files were added to or removed from the publish folder", Decide(Obj).Log[0], StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(Publish, "appsettings.json"), "{}");

        new SdkArchiveFixture().Write(Path.Combine(Obj, "image.tar"));
        Assert.Contains("the last image archive is not the one it was made into", Decide(Obj).Log[0], StringComparison.Ordinal);

        File.WriteAllText(RecordFile(Obj), "{ not json");
        Assert.Contains("no earlier image of the SDK's is recorded", Decide(Obj).Log[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Record_AppLayerWithALink_IsNotKept()
    {
        var files = PublishFiles(("web.dll", "MZ first"));
        Normalize(Obj, SdkArchive(files, "aaaaaaa", DateTimeOffset.UtcNow), "aaaaaaa", reused: false, layering: true);
        Assert.True(File.Exists(RecordFile(Obj)));

        // The fixture's own app layer holds a symbolic link, which the SDK never writes from a publish folder.
        Normalize(Obj, new SdkArchiveFixture().Write(temp.File("linked.tar")), "aaaaaaa", reused: false, layering: true);

        Assert.False(File.Exists(RecordFile(Obj)));
        Assert.Contains("no earlier image of the SDK's is recorded", Decide(Obj).Log[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Normalize_NextArchive_IsWrittenOverTheOneBeforeTheLast()
    {
        var files = PublishFiles(("web.dll", "MZ first"));
        Normalize(Obj, SdkArchive(files, "aaaaaaa", DateTimeOffset.UtcNow), "aaaaaaa", reused: false, layering: false);
        var firstBytes = File.ReadAllBytes(Path.Combine(Obj, "image.tar"));
        PublishFiles(("web.dll", "MZ second"));
        Normalize(Obj, Path.Combine(Obj, "sdk-image.tar"), "bbbbbbb", reused: true, layering: false);
        var secondBytes = File.ReadAllBytes(Path.Combine(Obj, "image.tar"));
        PublishFiles(("web.dll", "MZ 3"));

        Normalize(Obj, Path.Combine(Obj, "sdk-image.tar"), "ccccccc", reused: true, layering: false);

        var spare = ImageLayoutWriter.SparePath(Path.Combine(Obj, "image.tar"));
        Assert.Equal(secondBytes, File.ReadAllBytes(spare));
        Assert.NotEqual(firstBytes, File.ReadAllBytes(Path.Combine(Obj, "image.tar")));
        Assert.Equal(["image.tar", "sdk-image.json"], Directory.GetFiles(Obj).Select(Path.GetFileName).Where(name => !name!.StartsWith('.')).Order());
    }

    /// <summary>Writes the publish folder anew; returns its files by their path in the image (<c>app/…</c>).</summary>
    private Dictionary<string, string> PublishFiles(params (string Path, string Content)[] files)
    {
        if (Directory.Exists(Publish))
        {
            Directory.Delete(Publish, recursive: true);
        }

        foreach (var (path, content) in files)
        {
            var file = Path.Combine(Publish, path);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(file, content);
        }

        return files.ToDictionary(f => "app/" + f.Path, f => f.Content);
    }

    /// <summary>An SDK-shaped archive: its app layer as the SDK writes a publish folder (directories, then files, all 0755, owned by root).</summary>
    private string SdkArchive(Dictionary<string, string> files, string revision, DateTimeOffset builtAt)
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            const UnixFileMode Mode = (UnixFileMode)0b111_101_101;
            foreach (var directory in files.Keys.Select(Path.GetDirectoryName).Distinct().Order(StringComparer.Ordinal))
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, directory!) { Mode = Mode, ModificationTime = builtAt });
            }

            foreach (var (name, content) in files)
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { Mode = Mode, ModificationTime = builtAt, DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) });
            }
        }

        var fixture = new SdkArchiveFixture
        {
            BuiltAt = builtAt,
            AppLayerTar = tar.ToArray(),
            Labels = new Dictionary<string, string> { ["org.opencontainers.image.revision"] = revision },
            Env = ["ASPNETCORE_HTTP_PORTS=8080"],
        };
        return fixture.Write(temp.File($"sdk-{revision}-{Guid.NewGuid():N}.tar"));
    }

    private static string RecordFile(string obj) => Path.Combine(obj, "sdk-image.json");

    /// <summary>NormalizeImage as the targets call it, the SDK's archive at <paramref name="sdkArchive"/>; the manifest digest.</summary>
    private Digest Normalize(string obj, string sdkArchive, string revision, bool reused, bool layering)
    {
        Directory.CreateDirectory(obj);
        var engine = new RecordingBuildEngine();
        var task = new NormalizeImage
        {
            BuildEngine = engine,
            SdkArchive = reused ? sdkArchive : CopyTo(sdkArchive, Path.Combine(obj, "sdk-image.tar")),
            Archive = Path.Combine(obj, "image.tar"),
            Created = "2026-11-29T10:00:00Z",
            Repository = "shop/api",
            Tags = $"sha-{revision}",
            Labels = [Label("org.opencontainers.image.revision", revision)],
            Layering = layering,
            SdkImageRecordFile = RecordFile(obj),
            SdkImageKey = SdkImageRecord.KeyOf(Inputs.Select(item => item.ItemSpec)),
            SdkImageReused = reused,
            PublishDirectory = Publish,
        };

        Assert.True(task.Execute(), string.Join('\n', engine.Errors.Select(e => e.Message)));
        File.Delete(Path.Combine(obj, "sdk-image.tar"));
        foreach (var split in Directory.GetFiles(obj, "split-*.tar"))
        {
            File.Delete(split);
        }

        return OciArchive.Open(Path.Combine(obj, "image.tar")).ManifestDescriptor.Digest;
    }

    private (bool Reuse, List<string> Log) Decide(string obj, ITaskItem[]? inputs = null, bool enabled = true)
    {
        var engine = new RecordingBuildEngine();
        var task = new ReuseSdkImage
        {
            BuildEngine = engine,
            Inputs = inputs ?? Inputs,
            RecordFile = RecordFile(obj),
            Archive = Path.Combine(obj, "image.tar"),
            SdkArchive = Path.Combine(obj, "sdk-image.tar"),
            PublishDirectory = Publish,
            Enabled = enabled,
        };
        Assert.True(task.Execute());
        Assert.Equal(SdkImageRecord.KeyOf((inputs ?? Inputs).Select(item => item.ItemSpec)), task.Key);
        return (task.Reuse, engine.Messages.Select(m => m.Message!).Where(m => m.StartsWith("Drydock: ", StringComparison.Ordinal)).ToList());
    }

    private static string CopyTo(string source, string target)
    {
        File.Copy(source, target, overwrite: true);
        return target;
    }

    private static TaskItem Label(string key, string value)
    {
        var item = new TaskItem(key);
        item.SetMetadata("Value", value);
        return item;
    }
}
