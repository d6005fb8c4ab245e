using Drydock.Build.Diagnostics;
using Drydock.Build.Oci;
using Drydock.Build.Runtime;
using Microsoft.Build.Framework;

namespace Drydock.Build.Tasks;

/// <summary>
/// Loads the image archive into docker or podman (<see cref="LocalEngine"/>) and names it with every tag.
/// For a multi-platform image, first every other platform to test (by id, as the tests start it), then the
/// tagged one, <see cref="Platform"/>: the tags stay on it (the host's platform, which <c>docker run
/// repository:tag</c> means here). Engines load one platform at a time, so each is cut from the index archive
/// into its own single-image archive (<see cref="ImageIndexNormalizer.PlatformArchivePath"/>), and only when
/// the engine does not have it yet.
/// </summary>
public sealed class LoadImage : DrydockTask
{
    /// <summary>The image archive: one image, or Drydock's index archive of a multi-platform image (<c>DrydockImageArchive</c>).</summary>
    [Required]
    public string Archive { get; set; } = "";

    /// <summary>For an index archive: the platform to load, <c>os/architecture[/variant]</c> (a <c>DrydockImagePlatform</c> item); ignored for one image.</summary>
    public string? Platform { get; set; }

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

    /// <summary><c>DrydockBaseRegistry</c>: the engine may hold the base image under the mirror's name (<see cref="BaseImageMirror"/>).</summary>
    public string? BaseRegistry { get; set; }

    /// <summary>For an index: <see cref="ReadImage.Platforms"/>; those with <c>Loaded</c> are loaded.</summary>
    public ITaskItem[] Platforms { get; set; } = [];

    /// <summary>
    /// True (the default): named with every tag as it is loaded. False: loaded by id only, so a failing image never
    /// carries the app's names; <see cref="TagImage"/> names it once its tests passed.
    /// </summary>
    public bool Tag { get; set; } = true;

    /// <summary>Where what was loaded is recorded for the next publish (<see cref="LoadedImage"/>); empty: not recorded.</summary>
    public string? LoadRecord { get; set; }

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
            LocalEngine.Load(engine, () => SingleImageArchive(platform.ItemSpec, [], log, cancellationToken), platform.GetMetadata("ConfigDigest"), [], log, cancellationToken);
            log.Detail($"Drydock: {platform.ItemSpec} is {platform.GetMetadata("ConfigDigest")} in {engine}");
        }

        // A single-platform image: what was loaded last spares asking the engine (LoadedImage).
        var recorded = !string.IsNullOrWhiteSpace(LoadRecord) && OciArchive.ReadIndex(Archive) is null;
        var last = recorded ? LoadedImage.Read(LoadRecord!) : null;
        LocalEngine.Load(engine, () => SingleImageArchive(Platform, Tag ? names : [], log, cancellationToken), ImageId, names, log, cancellationToken, last, Tag, BaseRegistry);
        // Written only for a new image: a republish of the same one neither opens the archive again nor writes.
        if (recorded && (last?.Engine != engine.ToString() || last.ImageId != ImageId))
        {
            new LoadedImage(engine.ToString(), ImageId, [.. OciArchive.Open(Archive).DiffIds.Select(d => d.ToString())]).Write(LoadRecord!);
        }

        Runtime = engine.Command;
    }

    /// <summary><see cref="Archive"/>, or for an index archive <paramref name="platformName"/>'s image cut from it.</summary>
    private string SingleImageArchive(string? platformName, IReadOnlyList<string> names, IBuildLog log, CancellationToken cancellationToken)
    {
        if (OciArchive.ReadIndex(Archive) is null)
        {
            return Archive;
        }

        var platform = Oci.Platform.TryParse(platformName)
            ?? throw OciArchive.Invalid(Archive, "it holds an image index, and no platform to load was named");
        var archive = ImageIndexNormalizer.PlatformArchivePath(Archive, platform);
        ImageIndexNormalizer.ExtractPlatform(Archive, platform.ToString(), archive, names, log, cancellationToken);
        return archive;
    }
}
