using Drydock.Build.Diagnostics;
using Drydock.Build.Runtime;
using Microsoft.Build.Framework;

namespace Drydock.Build.Tasks;

/// <summary>
/// Loads the image archive into docker or podman (<see cref="LocalEngine"/>) and names it with every tag.
/// For a multi-platform image, first every other platform to test (by id, as the tests start it), then the
/// tagged one: the tags stay on it (the host's platform, which <c>docker run repository:tag</c> means here).
/// </summary>
public sealed class LoadImage : DrydockTask
{
    [Required]
    public string Archive { get; set; } = "";

    /// <summary>The config digest: what podman and docker call the image id.</summary>
    [Required]
    public string ImageId { get; set; } = "";

    public string? Registry { get; set; }

    [Required]
    public string Repository { get; set; } = "";

    /// <summary>Semicolon-separated, as <c>ContainerImageTags</c>.</summary>
    public string? Tags { get; set; }

    /// <summary>The SDK's <c>LocalRegistry</c>: Docker or Podman; empty to detect.</summary>
    public string? LocalRegistry { get; set; }

    /// <summary>For an index: <see cref="ReadImage.Platforms"/>; those with <c>Loaded</c> are loaded.</summary>
    public ITaskItem[] Platforms { get; set; } = [];

    [Output]
    public string? Runtime { get; private set; }

    protected override void Execute(IBuildLog log, CancellationToken cancellationToken)
    {
        // Names first: a bad one is reported before any engine is asked.
        var names = ImageName.LocalNames(Registry, Repository, ImageName.SplitTags(Tags));
        var engine = LocalEngine.Resolve(LocalRegistry, log, cancellationToken);
        if (engine is null)
        {
            Log.LogMessage(MessageImportance.High, "Drydock: neither docker nor podman answers; the image stays in {0}.", Archive);
            return;
        }

        foreach (var platform in Platforms.Where(p => p.GetMetadata("Loaded") == "true" && p.GetMetadata("ConfigDigest") != ImageId))
        {
            LocalEngine.Load(engine, platform.GetMetadata("Archive"), platform.GetMetadata("ConfigDigest"), [], log, cancellationToken);
            log.Detail($"Drydock: {platform.ItemSpec} is {platform.GetMetadata("ConfigDigest")} in {engine}");
        }

        LocalEngine.Load(engine, Archive, ImageId, names, log, cancellationToken);
        Runtime = engine.Command;
    }
}
