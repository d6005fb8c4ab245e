using System.Formats.Tar;

namespace Drydock.Build.Policy;

/// <summary>
/// One entry of a layer's tar, as much of it as the lint rules need. <see cref="Layer"/> is 1-based, as
/// in finding locations. <see cref="Path"/> is relative to the root, without <c>./</c> or a trailing slash.
/// </summary>
internal sealed record ImageFile(string Path, int Layer, TarEntryType Type, UnixFileMode Mode, long Size)
{
    /// <summary>For a <c>*.pem</c> or <c>*.key</c> file: its first bytes hold a PEM private key header.</summary>
    public bool HoldsPrivateKey { get; init; }

    /// <summary>The text of <c>etc/passwd</c>; null for every other file.</summary>
    public string? Text { get; init; }

    public string Name => Path[(Path.LastIndexOf('/') + 1)..];

    public bool IsRegularFile => Type is TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile;

    public string Where => $"layer {Layer}: {Path}";
}
