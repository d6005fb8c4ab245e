using Drydock.Build.Diagnostics;
using Drydock.Build.Oci;
using Microsoft.Build.Framework;

namespace Drydock.Build.Tasks;

/// <summary>Decides whether this project's publish becomes an image (see <see cref="ImageProject"/>) and checks the image format.</summary>
public sealed class ResolveImageProject : DrydockTask
{
    public bool EnableSdkContainerSupport { get; set; }

    /// <summary>The SDK's <c>IsPublishable</c>; empty counts as true.</summary>
    public string? IsPublishable { get; set; }

    public bool IsTestProject { get; set; }

    public ITaskItem[] PackageReferences { get; set; } = [];

    public ITaskItem[] ProjectReferences { get; set; } = [];

    /// <summary>The SDK's <c>ContainerImageFormat</c>.</summary>
    public string? ImageFormat { get; set; }

    [Output]
    public bool BuildsImage { get; private set; }

    /// <summary>The format the SDK is asked for: always <c>OCI</c> (DRY2020 otherwise).</summary>
    [Output]
    public string? ResolvedImageFormat { get; private set; }

    protected override void Execute(IBuildLog log, CancellationToken cancellationToken)
    {
        var facts = new ImageProjectFacts
        {
            EnableSdkContainerSupport = EnableSdkContainerSupport,
            IsPublishable = !string.Equals(IsPublishable, "false", StringComparison.OrdinalIgnoreCase),
            IsTestProject = IsTestProject,
            ReferencesDrydockTesting =
                PackageReferences.Any(item => string.Equals(item.ItemSpec, ImageProject.TestingPackage, StringComparison.OrdinalIgnoreCase))
                || ProjectReferences.Any(item => string.Equals(Path.GetFileNameWithoutExtension(item.ItemSpec), ImageProject.TestingPackage, StringComparison.OrdinalIgnoreCase)),
            ImageFormat = ImageFormat,
        };
        var reason = ImageProject.SkipReason(facts);
        if (reason is not null)
        {
            log.Detail($"Drydock: no image for this project: {reason}.");
            return;
        }

        ResolvedImageFormat = ImageProject.CheckImageFormat(ImageFormat);
        BuildsImage = true;
        log.Detail($"Drydock: this project ships as an image; format={ResolvedImageFormat}");
    }
}
