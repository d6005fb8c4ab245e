using System.Globalization;
using Drydock.Build.Diagnostics;
using Drydock.Build.Oci;
using Drydock.Build.Runtime;
using Microsoft.Build.Framework;

namespace Drydock.Build.Tasks;

/// <summary>Rewrites the SDK's image archive so that the same commit gives the same manifest digest.</summary>
public sealed class NormalizeImage : DrydockTask
{
    [Required]
    public string SdkArchive { get; set; } = "";

    [Required]
    public string Archive { get; set; } = "";

    /// <summary>RFC 3339: the epoch every app file and config time gets.</summary>
    [Required]
    public string Created { get; set; } = "";

    public string? Registry { get; set; }

    [Required]
    public string Repository { get; set; } = "";

    /// <summary>Semicolon-separated, primary tag first.</summary>
    [Required]
    public string Tags { get; set; } = "";

    /// <summary>
    /// The project's own <c>ContainerArchiveOutputPath</c>, if it set one: it gets a copy of the
    /// normalized archive (a folder gets <c>&lt;repository name&gt;.tar</c>).
    /// </summary>
    public string? RequestedArchive { get; set; }

    /// <summary>Manifest annotations: item = key, metadata <c>Value</c>.</summary>
    public ITaskItem[] Annotations { get; set; } = [];

    protected override void Execute(IBuildLog log, CancellationToken cancellationToken)
    {
        var options = new NormalizeOptions
        {
            Epoch = DateTimeOffset.Parse(Created, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
            // The names runtimes give the image on load.
            Names = ImageName.LocalNames(Registry, Repository, ImageName.SplitTags(Tags)),
            Annotations = Annotations.ToDictionary(item => item.ItemSpec, item => item.GetMetadata("Value"), StringComparer.Ordinal),
        };
        var image = ImageNormalizer.Normalize(SdkArchive, Archive, options, log, cancellationToken);
        log.Detail($"Drydock: normalized image {image.ManifestDigest} ({image.TotalSize} bytes) in {image.ArchivePath}");
        if (!string.IsNullOrWhiteSpace(RequestedArchive))
        {
            var copy = RequestedArchivePath(RequestedArchive, Repository);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(copy))!);
            File.Copy(image.ArchivePath, copy, overwrite: true);
            Log.LogMessage(MessageImportance.High, "Drydock: image archive copied to {0} (ContainerArchiveOutputPath)", copy);
        }
    }

    /// <summary>As the SDK reads <c>ContainerArchiveOutputPath</c>: a folder (existing, or ending in a separator) or a file.</summary>
    internal static string RequestedArchivePath(string requested, string repository) =>
        Directory.Exists(requested) || requested.EndsWith('/') || requested.EndsWith('\\')
            ? Path.Combine(requested, repository[(repository.LastIndexOf('/') + 1)..] + ".tar")
            : requested;
}
