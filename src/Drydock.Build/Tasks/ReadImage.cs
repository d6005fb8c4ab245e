using Drydock.Build.Diagnostics;
using Drydock.Build.Oci;
using Microsoft.Build.Framework;

namespace Drydock.Build.Tasks;

/// <summary>The facts of an image archive that later steps need, also when the build step was skipped.</summary>
public sealed class ReadImage : DrydockTask
{
    [Required]
    public string Archive { get; set; } = "";

    [Output]
    public string? ManifestDigest { get; private set; }

    /// <summary>The config digest: what podman and docker call the image id.</summary>
    [Output]
    public string? ConfigDigest { get; private set; }

    [Output]
    public long Size { get; private set; }

    protected override void Execute(IBuildLog log, CancellationToken cancellationToken)
    {
        var archive = OciArchive.Open(Archive);
        ManifestDigest = archive.ManifestDescriptor.Digest.ToString();
        ConfigDigest = archive.ConfigDescriptor.Digest.ToString();
        Size = archive.TotalSize;
        log.Detail($"Drydock: image={ManifestDigest} config={ConfigDigest} size={Size}");
    }
}
