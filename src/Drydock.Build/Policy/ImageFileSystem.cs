using System.Formats.Tar;
using Drydock.Build.Oci;

namespace Drydock.Build.Policy;

/// <summary>
/// The image's files: every layer scanned once (in parallel: layers are independent blobs), then stacked
/// base first, as a runtime unpacks them. Keeps both the final view (what the container sees) and every
/// entry of the app layers (what ships, even if a later layer hides it).
/// </summary>
internal sealed class ImageFileSystem
{
    /// <summary>https://github.com/opencontainers/image-spec/blob/main/layer.md#whiteouts: <c>.wh.name</c> deletes <c>name</c> from lower layers.</summary>
    private const string WhiteoutPrefix = ".wh.";

    /// <summary>Same spec, "opaque whiteout": the directory holding it keeps none of its lower layers' children.</summary>
    private const string OpaqueWhiteout = ".wh..wh..opq";

    private const int LargestFileCount = 5;

    private ImageFileSystem(Dictionary<string, ImageFile> files, List<ImageFile> appLayerFiles, List<ImageFile> largestFiles, ImageFile? root)
    {
        Files = files;
        AppLayerFiles = appLayerFiles;
        LargestFiles = largestFiles;
        Root = root;
    }

    /// <summary>
    /// The root directory's own entry (<c>./</c>) from the lowest layer that has one (its last, if several): its mode and owner
    /// are what a runtime gives <c>/</c> (Docker's vfs and rootless podman apply it; 0700 there locks every
    /// other user out of the whole image). Null when no layer has one: the runtime's default, 0755 root.
    /// </summary>
    public ImageFile? Root { get; }

    /// <summary>The text of the final <c>/etc/group</c>, or null when the image has none (or too big to read).</summary>
    public string? Group => Files.TryGetValue(LayerScanner.GroupPath, out var group) ? group.Text : null;

    /// <summary>The final view: path → the topmost entry for it, after whiteouts.</summary>
    public IReadOnlyDictionary<string, ImageFile> Files { get; }

    /// <summary>Every entry of the app layers, whiteouts applied or not: a file a later layer hides still ships in its layer.</summary>
    public IReadOnlyList<ImageFile> AppLayerFiles { get; }

    /// <summary>The largest regular files of all layers (uncompressed), largest first.</summary>
    public IReadOnlyList<ImageFile> LargestFiles { get; }

    /// <summary>The text of the final <c>etc/passwd</c>, or null when the image has none (or too big to read).</summary>
    public string? Passwd => Files.TryGetValue(LayerScanner.PasswdPath, out var passwd) ? passwd.Text : null;

    /// <summary>Base layers come from <paramref name="cache"/> when it has them; app layers change every build and are always scanned.</summary>
    public static ImageFileSystem Read(OciArchive archive, int firstAppLayer, LayerIndexCache? cache, CancellationToken cancellationToken)
    {
        var layers = new IReadOnlyList<ImageFile>[archive.Layers.Count];
        Parallel.For(
            0,
            layers.Length,
            new ParallelOptions { CancellationToken = cancellationToken },
            i =>
            {
                var digest = archive.Layers[i].Digest;
                var isBase = i < firstAppLayer;
                if (isBase && cache?.TryRead(digest, i + 1) is { } cached)
                {
                    layers[i] = cached;
                    return;
                }

                layers[i] = LayerScanner.Scan(archive, i, cancellationToken);
                if (isBase)
                {
                    cache?.Write(digest, layers[i]);
                }
            });
        return Stack(layers, firstAppLayer);
    }

    /// <summary>Applies <paramref name="layers"/> (0-based, base first) in order; layers from <paramref name="firstAppLayer"/> on are the app's.</summary>
    internal static ImageFileSystem Stack(IReadOnlyList<IReadOnlyList<ImageFile>> layers, int firstAppLayer)
    {
        var files = new Dictionary<string, ImageFile>(StringComparer.Ordinal);
        var appLayerFiles = new List<ImageFile>();
        ImageFile? root = null;
        for (var i = 0; i < layers.Count; i++)
        {
            foreach (var file in layers[i])
            {
                if (file.Path.Length == 0)
                {
                    // Within the layer a later entry wins, as when it is extracted.
                    root = root is null || root.Layer == file.Layer ? file : root;
                    continue;
                }

                if (i >= firstAppLayer && !IsWhiteout(file.Name))
                {
                    appLayerFiles.Add(file);
                }

                Apply(files, file);
            }
        }

        var largest = layers.SelectMany(layer => layer)
            .Where(file => file.Path.Length > 0)
            .Where(file => file.IsRegularFile)
            .OrderByDescending(file => file.Size)
            .ThenBy(file => file.Path, StringComparer.Ordinal)
            .Take(LargestFileCount)
            .ToList();
        return new ImageFileSystem(files, appLayerFiles, largest, root);
    }

    private static bool IsWhiteout(string name) => name.StartsWith(WhiteoutPrefix, StringComparison.Ordinal);

    private static void Apply(Dictionary<string, ImageFile> files, ImageFile file)
    {
        var slash = file.Path.LastIndexOf('/');
        var directory = slash < 0 ? "" : file.Path[..(slash + 1)];
        if (file.Name == OpaqueWhiteout)
        {
            // Only lower layers' children go; this layer's own entries for the directory stay, whatever their order.
            RemoveUnder(files, directory, belowLayer: file.Layer);
        }
        else if (IsWhiteout(file.Name))
        {
            var hidden = directory + file.Name[WhiteoutPrefix.Length..];
            files.Remove(hidden);
            RemoveUnder(files, hidden + "/", belowLayer: file.Layer);
        }
        else
        {
            if (file.Type != TarEntryType.Directory && files.TryGetValue(file.Path, out var lower) && lower.Type == TarEntryType.Directory)
            {
                // A file replacing a directory replaces its whole tree.
                RemoveUnder(files, file.Path + "/", belowLayer: file.Layer);
            }

            files[file.Path] = file;
        }
    }

    private static void RemoveUnder(Dictionary<string, ImageFile> files, string prefix, int belowLayer)
    {
        foreach (var path in files.Keys.Where(p => p.StartsWith(prefix, StringComparison.Ordinal) && files[p].Layer < belowLayer).ToList())
        {
            files.Remove(path);
        }
    }
}
