using System.Formats.Tar;

namespace Drydock.Build.Policy;

/// <summary>
/// One entry of a layer's tar, as much of it as the lint rules need. <see cref="Layer"/> is 1-based, as
/// in finding locations. <see cref="Path"/> is relative to the root, without <c>./</c> or a trailing slash;
/// the root directory itself (<c>./</c>) has the empty path.
/// </summary>
internal sealed record ImageFile(string Path, int Layer, TarEntryType Type, UnixFileMode Mode, long Size)
{
    /// <summary>For a <c>*.pem</c> or <c>*.key</c> file: its first bytes hold a PEM private key header.</summary>
    public bool HoldsPrivateKey { get; init; }

    /// <summary>For a <c>NuGet.config</c>: it has a <c>packageSourceCredentials</c> section (feed user names and passwords).</summary>
    public bool HoldsCredentials { get; init; }

    /// <summary>The text of <c>etc/passwd</c>, <c>etc/group</c>, or a file the SBOM reads (<see cref="Sbom.ImageInventory"/>); null for every other file.</summary>
    public string? Text { get; init; }

    /// <summary>Owner and group, by number, as the runtime sets them when it extracts the layer.</summary>
    public int Uid { get; init; }

    public int Gid { get; init; }

    /// <summary>A symbolic link's target as written, or the path a hard link names; empty otherwise.</summary>
    public string LinkName { get; init; } = "";

    /// <summary>For a regular file with an execute bit: it starts with <c>#!</c>, so its interpreter must read it.</summary>
    public bool IsScript { get; init; }

    public string Name => Path[(Path.LastIndexOf('/') + 1)..];

    public bool IsRegularFile => Type is TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile;

    public string Where => $"layer {Layer}: {(Path.Length == 0 ? "./" : Path)}";
}
