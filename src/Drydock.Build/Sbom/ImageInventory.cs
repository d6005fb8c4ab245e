using Drydock.Build.Oci;
using Drydock.Build.Policy;

namespace Drydock.Build.Sbom;

/// <summary>
/// What an image holds that an SBOM names, from its final file system (<see cref="ImageFileSystem"/>: layers
/// stacked base first, whiteouts applied as a runtime applies them, OCI image spec layer.md): the texts of the package
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
    internal const int MaxTextSize = 64 * 1024 * 1024;

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

    /// <summary>
    /// Reads <paramref name="archive"/>'s layers through <see cref="ImageFileSystem"/>, the lint's view of them: a
    /// base layer's scan comes from <paramref name="layerCache"/> when an earlier publish (or the lint) made it,
    /// so the base's bytes are decompressed once per machine, not once per publish.
    /// </summary>
    /// <exception cref="DrydockException">DRY3004 (<see cref="OciArchive.Invalid"/>): a layer is unreadable or not what its digest says.</exception>
    public static ImageInventory Read(OciArchive archive, string? layerCache, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(archive);
        var appDirectory = LayerScanner.NormalizePath(OciJson.GetString(archive.Config["config"]?["WorkingDir"]) ?? "/app");
        var appLayers = ImageNormalizer.CountAppLayers(archive.Config, archive.Layers.Count) ?? archive.Layers.Count;
        var cache = string.IsNullOrEmpty(layerCache) ? null : new LayerIndexCache(layerCache);
        var files = ImageFileSystem.Read(archive, archive.Layers.Count - appLayers, cache, cancellationToken).Files;
        var texts = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var frameworks = new SortedSet<(string, string)>();
        foreach (var (path, file) in files)
        {
            if (path.StartsWith(SharedFrameworks, StringComparison.Ordinal) && path[SharedFrameworks.Length..].Split('/') is [var framework, var version, ..] && framework.Length > 0 && version.Length > 0)
            {
                frameworks.Add((framework, version));
            }

            if (file.Text is { } text && IsWanted(path, appDirectory))
            {
                texts[path] = text;
            }
        }

        return new ImageInventory(texts, frameworks, appDirectory);
    }

    /// <summary>Whether <see cref="LayerScanner"/> keeps a file's text for the SBOM: package metadata, <c>os-release</c>, any <c>*.deps.json</c>.</summary>
    internal static bool KeepsText(string path) =>
        IsWanted(path, appDirectory: null);

    private static bool IsWanted(string path, string? appDirectory) =>
        path == DpkgStatus
        || path == ChiselManifest
        || OsRelease.Contains(path)
        || (path.StartsWith(DpkgStatusDirectory, StringComparison.Ordinal) && !path.EndsWith(".md5sums", StringComparison.Ordinal) && path.Length > DpkgStatusDirectory.Length)
        || IsDepsFile(path, appDirectory);

    /// <summary>A <c>*.deps.json</c> in <paramref name="appDirectory"/>; with none, in any directory.</summary>
    private static bool IsDepsFile(string path, string? appDirectory) =>
        path.EndsWith(".deps.json", StringComparison.Ordinal)
        && (appDirectory is null || (path.LastIndexOf('/') is var slash && (slash < 0 ? "" : path[..slash]) == appDirectory));
}
