using System.Formats.Tar;
using System.Text.Json;
using System.Text.Json.Serialization;
using Drydock.Build.Oci;

namespace Drydock.Build.Policy;

/// <summary>
/// What <see cref="LayerScanner"/> found in a layer, kept on disk by the layer's digest. A layer is
/// content-addressed, so its index never goes stale: the base layers (most of an image's bytes) are
/// decompressed once per machine, not on every publish. Only written after the blob's digest was verified.
/// </summary>
internal sealed class LayerIndexCache(string directory)
{
    /// <summary>Bump when what the scanner records changes; older files are then ignored.</summary>
    private const int FormatVersion = 4;

    public IReadOnlyList<ImageFile>? TryRead(Digest layer, int layerNumber) =>
        JsonCacheFile.TryRead(PathOf(layer), LayerIndexJson.Default.CachedLayer) is { Version: FormatVersion, Files: { } files }
            ? files.Select(f => new ImageFile(f.Path, layerNumber, (TarEntryType)f.Type, (UnixFileMode)f.Mode, f.Size)
            {
                HoldsPrivateKey = f.Key,
                HoldsCredentials = f.Credentials,
                Text = f.Text,
                Uid = f.Uid,
                Gid = f.Gid,
                LinkName = f.Link,
                IsScript = f.Script,
            }).ToList()
            : null;

    public void Write(Digest layer, IReadOnlyList<ImageFile> files) => JsonCacheFile.Write(
        PathOf(layer),
        new CachedLayer(FormatVersion, files.Select(f => new CachedFile(f.Path, (int)f.Type, (int)f.Mode, f.Size, f.HoldsPrivateKey, f.Text, f.Uid, f.Gid, f.LinkName, f.IsScript, f.HoldsCredentials)).ToList()),
        LayerIndexJson.Default.CachedLayer);

    private string PathOf(Digest layer) => Path.Combine(directory, $"{layer.Hex}.v{FormatVersion}.json");
}

internal sealed record CachedLayer(int Version, List<CachedFile> Files);

internal sealed record CachedFile(string Path, int Type, int Mode, long Size, bool Key, string? Text, int Uid, int Gid, string Link, bool Script, bool Credentials);

/// <summary>Source-generated: no reflection in the task host, and faster to read.</summary>
[JsonSerializable(typeof(CachedLayer))]
internal sealed partial class LayerIndexJson : JsonSerializerContext;
