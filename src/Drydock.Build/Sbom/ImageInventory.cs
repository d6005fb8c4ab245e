using System.Formats.Tar;
using System.Text;
using Drydock.Build.Oci;
using Drydock.Build.Policy;

namespace Drydock.Build.Sbom;

/// <summary>
/// What an image holds that an SBOM names, read in one streamed pass over its layers, base first, with
/// whiteouts applied as a runtime applies them (OCI image spec, layer.md): the texts of the package
/// metadata files (<see cref="DpkgStatus"/>, <see cref="DpkgStatusDirectory"/>, <see cref="ChiselManifest"/>),
/// of <c>os-release</c>, of the app's <c>*.deps.json</c> (in the image's working directory), and the
/// .NET shared frameworks installed under <c>usr/share/dotnet/shared/&lt;name&gt;/&lt;version&gt;/</c>.
/// </summary>
public sealed class ImageInventory
{
    public const string DpkgStatus = "var/lib/dpkg/status";

    public const string DpkgStatusDirectory = "var/lib/dpkg/status.d/";

    public const string ChiselManifest = "var/lib/chisel/manifest.wall";

    private const string SharedFrameworks = "usr/share/dotnet/shared/";

    /// <summary>A package database or deps.json of more than this is not read (a real one is a few MB at most).</summary>
    private const int MaxTextSize = 64 * 1024 * 1024;

    private static readonly string[] OsRelease = ["etc/os-release", "usr/lib/os-release"];

    private ImageInventory(SortedDictionary<string, string> texts, SortedSet<(string Name, string Version)> frameworks, string appDirectory)
    {
        Texts = texts;
        Frameworks = frameworks;
        AppDirectory = appDirectory;
    }

    /// <summary>Path (relative to the root, no <c>./</c>) → text, for the files this reads, as the final view has them.</summary>
    public IReadOnlyDictionary<string, string> Texts { get; }

    /// <summary>The shared frameworks (<c>Microsoft.NETCore.App</c>, <c>Microsoft.AspNetCore.App</c>) and versions the image holds.</summary>
    public IReadOnlySet<(string Name, string Version)> Frameworks { get; }

    /// <summary>The image's working directory without slashes (<c>app</c>), where the SDK puts the publish folder.</summary>
    public string AppDirectory { get; }

    /// <summary>The app's deps.json files (usually one), by path.</summary>
    public IEnumerable<KeyValuePair<string, string>> DepsFiles => Texts.Where(pair => IsDepsFile(pair.Key, AppDirectory));

    /// <summary>The text of <c>os-release</c> (<c>/etc/os-release</c>, or <c>/usr/lib/os-release</c> it links to), or null.</summary>
    public string? OsReleaseText => OsRelease.Select(path => Texts.GetValueOrDefault(path)).FirstOrDefault(text => text is not null);

    public static ImageInventory Read(OciArchive archive, CancellationToken cancellationToken)
    {
        var appDirectory = LayerScanner.NormalizePath(OciJson.GetString(archive.Config["config"]?["WorkingDir"]) ?? "/app");
        var texts = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var frameworks = new SortedSet<(string, string)>();
        for (var i = 0; i < archive.Layers.Count; i++)
        {
            using var blob = archive.OpenVerifiedBlob(archive.Layers[i]);
            var tar = LayerScanner.Decompressed(blob, archive.Layers[i], archive.Path);
            try
            {
                ReadLayer(tar, appDirectory, texts, frameworks, cancellationToken);
            }
            finally
            {
                if (!ReferenceEquals(tar, blob))
                {
                    tar.Dispose();
                }
            }

            blob.CopyTo(Stream.Null); // the digest is checked at the last byte
        }

        return new ImageInventory(texts, frameworks, appDirectory);
    }

    internal static ImageInventory Read(IEnumerable<Stream> layerTars, string appDirectory, CancellationToken cancellationToken)
    {
        var texts = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var frameworks = new SortedSet<(string, string)>();
        foreach (var tar in layerTars)
        {
            ReadLayer(tar, appDirectory, texts, frameworks, cancellationToken);
        }

        return new ImageInventory(texts, frameworks, appDirectory);
    }

    private static void ReadLayer(Stream tar, string appDirectory, SortedDictionary<string, string> texts, SortedSet<(string, string)> frameworks, CancellationToken cancellationToken)
    {
        using var reader = new TarReader(tar, leaveOpen: true);
        while (reader.GetNextEntry(copyData: false) is { } entry)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var path = LayerScanner.NormalizePath(entry.Name);
            var slash = path.LastIndexOf('/');
            var name = path[(slash + 1)..];
            var directory = slash < 0 ? "" : path[..(slash + 1)];
            if (name == ".wh..wh..opq")
            {
                Remove(texts, frameworks, directory);
                continue;
            }

            if (name.StartsWith(".wh.", StringComparison.Ordinal))
            {
                var hidden = directory + name[4..];
                texts.Remove(hidden);
                Remove(texts, frameworks, hidden + "/");
                continue;
            }

            if (path.StartsWith(SharedFrameworks, StringComparison.Ordinal) && path[SharedFrameworks.Length..].Split('/') is [var framework, var version, ..] && framework.Length > 0 && version.Length > 0)
            {
                frameworks.Add((framework, version));
            }

            if (!IsWanted(path, appDirectory))
            {
                continue;
            }

            // A later layer's link or directory in its place hides an earlier file.
            texts.Remove(path);
            var isFile = entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile;
            if (isFile && entry.DataStream is { } data && entry.Length <= MaxTextSize)
            {
                using var text = new StreamReader(data, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
                texts[path] = text.ReadToEnd();
            }
        }
    }

    private static void Remove(SortedDictionary<string, string> texts, SortedSet<(string Name, string Version)> frameworks, string prefix)
    {
        foreach (var path in texts.Keys.Where(p => p.StartsWith(prefix, StringComparison.Ordinal)).ToList())
        {
            texts.Remove(path);
        }

        if (SharedFrameworks.StartsWith(prefix, StringComparison.Ordinal))
        {
            frameworks.Clear();
        }
        else if (prefix.StartsWith(SharedFrameworks, StringComparison.Ordinal))
        {
            frameworks.RemoveWhere(f => (SharedFrameworks + f.Name + "/" + f.Version + "/").StartsWith(prefix, StringComparison.Ordinal) || prefix == SharedFrameworks + f.Name + "/");
        }
    }

    private static bool IsWanted(string path, string appDirectory) =>
        path == DpkgStatus
        || path == ChiselManifest
        || OsRelease.Contains(path)
        || (path.StartsWith(DpkgStatusDirectory, StringComparison.Ordinal) && !path.EndsWith(".md5sums", StringComparison.Ordinal) && path.Length > DpkgStatusDirectory.Length)
        || IsDepsFile(path, appDirectory);

    private static bool IsDepsFile(string path, string appDirectory) =>
        path.EndsWith(".deps.json", StringComparison.Ordinal)
        && path.LastIndexOf('/') is var slash
        && (slash < 0 ? "" : path[..slash]) == appDirectory;
}
