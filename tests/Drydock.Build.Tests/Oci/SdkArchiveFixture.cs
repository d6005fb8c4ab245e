using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text;

namespace Drydock.Build.Tests.Oci;

/// <summary>
/// Writes an image archive the way the SDK's container build does (PublishContainer with
/// ContainerImageFormat=OCI): an uncompressed pax tar holding an OCI layout whose base layer is stable
/// and whose app layer and config carry the time the "publish" ran.
/// </summary>
internal sealed class SdkArchiveFixture
{
    public DateTimeOffset BuiltAt { get; init; } = DateTimeOffset.UtcNow;

    public Dictionary<string, string> AppFiles { get; init; } = new()
    {
        ["app/web.dll"] = "MZ fake assembly",
        ["app/appsettings.json"] = """{"Logging":{}}""",
        ["app/web.runtimeconfig.json"] = "{}",
    };

    /// <summary>A deep path, longer than ustar's 100-byte name field even with its prefix split.</summary>
    public static readonly string LongName = "app/wwwroot/" + new string('d', 160) + "/" + new string('f', 110) + ".js";

    /// <summary>Changes the manifest after its digest has been written to index.json.</summary>
    public bool CorruptManifest { get; init; }

    /// <summary>Leaves the base layer's blob out of the tar.</summary>
    public bool OmitBaseLayer { get; init; }

    /// <summary>Flips a byte in the base layer after its digest was taken.</summary>
    public bool CorruptBaseLayer { get; init; }

    /// <summary>config.User; null leaves the field out.</summary>
    public string? User { get; init; } = "1654";

    /// <summary>config.Env entries (<c>KEY=VALUE</c>); empty leaves the field out.</summary>
    public IReadOnlyList<string> Env { get; init; } = [];

    /// <summary>Labels added to the SDK's own.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>config.ExposedPorts keys, e.g. <c>8080/tcp</c>; empty leaves the field out.</summary>
    public IReadOnlyList<string> ExposedPorts { get; init; } = [];

    /// <summary>config.Entrypoint.</summary>
    public IReadOnlyList<string> Entrypoint { get; init; } = ["dotnet", "/app/web.dll"];

    /// <summary>config.WorkingDir; null leaves the field out.</summary>
    public string? WorkingDir { get; init; } = "/app";

    /// <summary>Entries written into the base layer after its default files.</summary>
    public IReadOnlyList<FixtureEntry> BaseEntries { get; init; } = [];

    /// <summary>Entries written into the app layer after <see cref="AppFiles"/>.</summary>
    public IReadOnlyList<FixtureEntry> AppEntries { get; init; } = [];

    /// <summary>config.architecture (the OS is linux).</summary>
    public string Architecture { get; init; } = "amd64";

    /// <summary>The app layer's uncompressed tar as the test wrote it; when set, <see cref="AppFiles"/> and <see cref="AppEntries"/> are not used.</summary>
    public byte[]? AppLayerTar { get; init; }

    public byte[] BaseLayer => baseLayer ??= Gzip(Tar(DateTimeOffset.UnixEpoch, new Dictionary<string, string>
    {
        ["etc/passwd"] = "root:x:0:0:root:/root:/sbin/nologin\napp:x:1654:1654::/home/app:/sbin/nologin\n",
        ["usr/share/dotnet/dotnet"] = "ELF",
    }, extra: [FixtureEntry.Directory("./"), FixtureEntry.Symlink("usr/bin/dotnet", "../share/dotnet/dotnet"), .. BaseEntries]));

    private byte[]? baseLayer;

    public string Write(string path)
    {
        var (blobs, _) = Parts();
        WriteTar(path, blobs, BuiltAt);
        return path;
    }

    /// <summary>
    /// A multi-platform archive as the SDK's <c>CreateImageIndex</c> writes it: every image's blobs, an image
    /// index listing their manifests with their platforms (in the order given), and index.json naming the index.
    /// </summary>
    public static string WriteIndex(string path, params SdkArchiveFixture[] images)
    {
        var blobs = new List<(string Name, byte[] Data)>();
        var manifests = new JsonArray();
        foreach (var image in images)
        {
            var (parts, manifest) = image.Parts();
            blobs.AddRange(parts.Where(p => p.Name.StartsWith("blobs/", StringComparison.Ordinal)));
            manifest["platform"] = new JsonObject { ["architecture"] = image.Architecture, ["os"] = "linux" };
            manifest.Remove("annotations");
            manifests.Add(manifest);
        }

        var index = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.oci.image.index.v1+json",
            ["manifests"] = manifests,
        }.ToJsonString());
        blobs.Add(("blobs/sha256/" + Sha(index)[7..], index));
        blobs.Add(("index.json", Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.oci.image.index.v1+json",
            ["manifests"] = new JsonArray(new JsonObject
            {
                ["mediaType"] = "application/vnd.oci.image.index.v1+json",
                ["size"] = index.Length,
                ["digest"] = Sha(index),
            }),
        }.ToJsonString())));
        blobs.Add(("oci-layout", """{"imageLayoutVersion": "1.0.0"}"""u8.ToArray()));
        WriteTar(path, blobs.DistinctBy(b => b.Name).ToList(), images[0].BuiltAt);
        return path;
    }

    private static void WriteTar(string path, List<(string Name, byte[] Data)> blobs, DateTimeOffset builtAt)
    {
        using var stream = File.Create(path);
        using var writer = new TarWriter(stream, TarEntryFormat.Pax);
        foreach (var (name, data) in blobs)
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data), ModificationTime = builtAt });
        }
    }

    /// <summary>The archive's files, and index.json's entry for the manifest.</summary>
    private (List<(string Name, byte[] Data)> Files, JsonObject Manifest) Parts()
    {
        var appTar = AppLayerTar ?? Tar(BuiltAt, AppFiles, addDirectory: true, extra: AppEntries);
        var appLayer = Gzip(appTar);
        var created = BuiltAt.UtcDateTime.ToString("O");
        var labels = new JsonObject
        {
            ["org.opencontainers.image.created"] = created,
            ["org.opencontainers.image.version"] = "1.0.0",
        };
        foreach (var (key, value) in Labels)
        {
            labels[key] = value;
        }

        var runtimeConfig = new JsonObject
        {
            [nameof(Labels)] = labels,
            [nameof(Entrypoint)] = new JsonArray(Entrypoint.Select(argument => (JsonNode)JsonValue.Create(argument)).ToArray()),
        };
        if (User is not null)
        {
            runtimeConfig[nameof(User)] = User;
        }

        if (Env.Count > 0)
        {
            runtimeConfig[nameof(Env)] = new JsonArray(Env.Select(variable => (JsonNode)JsonValue.Create(variable)).ToArray());
        }

        if (ExposedPorts.Count > 0)
        {
            runtimeConfig[nameof(ExposedPorts)] = new JsonObject(ExposedPorts.Select(port => KeyValuePair.Create(port, (JsonNode?)new JsonObject())));
        }

        if (WorkingDir is not null)
        {
            runtimeConfig[nameof(WorkingDir)] = WorkingDir;
        }

        var config = new JsonObject
        {
            ["config"] = runtimeConfig,
            ["created"] = created,
            ["rootfs"] = new JsonObject
            {
                ["type"] = "layers",
                ["diff_ids"] = new JsonArray(Sha(Decompress(BaseLayer)), Sha(appTar)),
            },
            ["architecture"] = Architecture,
            ["os"] = "linux",
            ["history"] = new JsonArray(
                new JsonObject { ["comment"] = "imported from tarball", ["created"] = "2024-01-01T00:00:00Z" },
                new JsonObject { ["created"] = "2024-01-01T00:00:01Z", ["created_by"] = "ENV X=1", ["empty_layer"] = true },
                new JsonObject { ["author"] = ".NET SDK", ["created"] = created, ["created_by"] = ".NET SDK Container Tooling, version 10.0.401" }),
        };
        var configBytes = Encoding.UTF8.GetBytes(config.ToJsonString());
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.oci.image.manifest.v1+json",
            ["config"] = Descriptor("application/vnd.oci.image.config.v1+json", configBytes),
            ["layers"] = new JsonArray(
                Descriptor("application/vnd.docker.image.rootfs.diff.tar.gzip", BaseLayer),
                Descriptor("application/vnd.oci.image.layer.v1.tar+gzip", appLayer)),
        };
        var manifestBytes = Encoding.UTF8.GetBytes(manifest.ToJsonString());
        var entry = new JsonObject
        {
            ["mediaType"] = "application/vnd.oci.image.manifest.v1+json",
            ["size"] = manifestBytes.Length,
            ["digest"] = Sha(manifestBytes),
            ["platform"] = new JsonObject(),
            ["annotations"] = new JsonObject
            {
                ["io.containerd.image.name"] = "docker.io/library/web:latest",
                ["org.opencontainers.image.ref.name"] = "latest",
            },
        };
        var index = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.oci.image.index.v1+json",
            ["manifests"] = new JsonArray(entry.DeepClone()),
        };

        var blobs = new List<(string Name, byte[] Data)>();
        if (!OmitBaseLayer)
        {
            var baseLayer = BaseLayer.ToArray();
            if (CorruptBaseLayer)
            {
                baseLayer[^10] ^= 0xFF;
            }

            blobs.Add(("blobs/sha256/" + Sha(BaseLayer)[7..], baseLayer));
        }

        blobs.Add(("blobs/sha256/" + Sha(appLayer)[7..], appLayer));
        blobs.Add(("blobs/sha256/" + Sha(configBytes)[7..], configBytes));
        var storedManifest = CorruptManifest ? Encoding.UTF8.GetBytes(manifest.ToJsonString().Replace("\"schemaVersion\":2", "\"schemaVersion\":3", StringComparison.Ordinal)) : manifestBytes;
        blobs.Add(("blobs/sha256/" + Sha(manifestBytes)[7..], storedManifest));
        blobs.Add(("index.json", Encoding.UTF8.GetBytes(index.ToJsonString())));
        blobs.Add(("oci-layout", """{"imageLayoutVersion": "1.0.0"}"""u8.ToArray()));
        return (blobs, entry);
    }

    public static string Sha(byte[] data) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(data));

    public static byte[] Decompress(byte[] gzip)
    {
        using var output = new MemoryStream();
        using (var stream = new GZipStream(new MemoryStream(gzip), CompressionMode.Decompress))
        {
            stream.CopyTo(output);
        }

        return output.ToArray();
    }

    private static JsonObject Descriptor(string mediaType, byte[] data) =>
        new() { ["mediaType"] = mediaType, ["size"] = data.Length, ["digest"] = Sha(data) };

    /// <summary>Like the SDK: pax entries in file-system order (here: reverse), each file's mtime, uid/gid 0, names set.</summary>
    private static byte[] Tar(DateTimeOffset mtime, Dictionary<string, string> files, bool addDirectory = false, IReadOnlyList<FixtureEntry>? extra = null)
    {
        using var output = new MemoryStream();
        using (var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true))
        {
            if (addDirectory)
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "app") { ModificationTime = mtime, Mode = (UnixFileMode)0b111_101_101 });
            }

            var i = 0;
            foreach (var (name, content) in files.Reverse())
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name)
                {
                    DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
                    ModificationTime = mtime.AddMilliseconds(++i * 1.7),
                    Mode = (UnixFileMode)0b111_101_101,
                    UserName = "builder",
                    GroupName = "builder",
                });
            }

            if (addDirectory)
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "app/current") { LinkName = "web.dll", ModificationTime = mtime });
            }

            foreach (var entry in extra ?? [])
            {
                var tarEntry = new PaxTarEntry(entry.Type, entry.Path) { ModificationTime = mtime, Mode = entry.Mode, Uid = entry.Uid, Gid = entry.Gid };
                if (entry.Type == TarEntryType.RegularFile)
                {
                    tarEntry.DataStream = new MemoryStream(entry.Content);
                }
                if (entry.LinkName is not null)
                {
                    tarEntry.LinkName = entry.LinkName;
                }

                writer.WriteEntry(tarEntry);
            }
        }

        return output.ToArray();
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }
}

/// <summary>One tar entry of a fixture layer: a file with content and mode, a directory, a link, or a whiteout (<c>.wh.name</c>).</summary>
internal sealed record FixtureEntry(string Path, byte[] Content, UnixFileMode Mode, TarEntryType Type = TarEntryType.RegularFile, string? LinkName = null)
{
    public int Uid { get; init; }

    public int Gid { get; init; }

    public const UnixFileMode Regular = (UnixFileMode)0b110_100_100;
    public const UnixFileMode Executable = (UnixFileMode)0b111_101_101;

    public static FixtureEntry File(string path, string content = "", UnixFileMode mode = Regular) =>
        new(path, Encoding.UTF8.GetBytes(content), mode);

    public static FixtureEntry Directory(string path, UnixFileMode mode = Executable) =>
        new(path, [], mode, TarEntryType.Directory);

    public static FixtureEntry Symlink(string path, string target) =>
        new(path, [], (UnixFileMode)0b111_111_111, TarEntryType.SymbolicLink, target);
}
