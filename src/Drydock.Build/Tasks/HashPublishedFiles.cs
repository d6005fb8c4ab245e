using Drydock.Build.Diagnostics;
using Drydock.Build.Oci;
using Microsoft.Build.Framework;

namespace Drydock.Build.Tasks;

/// <summary>
/// The publish folder's files by content, as MSBuild's <c>GetFileHash</c> gives them (metadata <c>FileHash</c>,
/// lowercase hex SHA-256), hashing only files whose size or time changed since the last publish (<see cref="FileHashCache"/>).
/// </summary>
public sealed class HashPublishedFiles : DrydockTask
{
    [Required]
    public ITaskItem[] Files { get; set; } = [];

    /// <summary>Where sizes, times and hashes are kept between publishes, under <c>obj/</c>.</summary>
    [Required]
    public string CacheFile { get; set; } = "";

    /// <summary><see cref="Files"/>, each with metadata <c>FileHash</c>.</summary>
    [Output]
    public ITaskItem[] Items { get; private set; } = [];

    protected override void Execute(IBuildLog log, CancellationToken cancellationToken)
    {
        var hashes = FileHashCache.Hash(Files.Select(file => file.GetMetadata("FullPath")).ToList(), CacheFile, log, cancellationToken);
        for (var i = 0; i < Files.Length; i++)
        {
            Files[i].SetMetadata("FileHash", hashes[i]);
        }

        Items = Files;
    }
}
