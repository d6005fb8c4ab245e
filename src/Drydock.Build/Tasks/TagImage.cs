using Drydock.Build.Diagnostics;
using Drydock.Build.Runtime;
using Drydock.Runtime;
using Microsoft.Build.Framework;

namespace Drydock.Build.Tasks;

/// <summary>
/// Names the image <see cref="LoadImage"/> loaded by id (<c>Tag=false</c>) with every tag, once it passed its gate
/// (the image tests): until then the engine's names keep the image they named before.
/// </summary>
public sealed class TagImage : DrydockTask
{
    /// <summary><c>docker</c> or <c>podman</c>: <see cref="LoadImage.Runtime"/>.</summary>
    [Required]
    public string Runtime { get; set; } = "";

    /// <summary>The config digest: what podman and docker call the image id.</summary>
    [Required]
    public string ImageId { get; set; } = "";

    public string? Registry { get; set; }

    [Required]
    public string Repository { get; set; } = "";

    /// <summary>Semicolon-separated, as <c>ContainerImageTags</c>.</summary>
    public string? Tags { get; set; }

    protected override void Execute(IBuildLog log, CancellationToken cancellationToken) =>
        LocalEngine.Tag(ContainerEngine.Named(Runtime, null), ImageId, ImageName.LocalNames(Registry, Repository, ImageName.SplitTags(Tags)), log, cancellationToken);
}
