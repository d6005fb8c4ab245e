using Drydock.Build.Diagnostics;
using Drydock.Build.Oci;

namespace Drydock.Build.Tasks;

/// <summary>Logs which platforms the SDK will build and checks a multi-platform build can publish each (<see cref="PlatformPlan"/>).</summary>
public sealed class PlanPlatforms : DrydockTask
{
    public string? ContainerRuntimeIdentifier { get; set; }

    public string? ContainerRuntimeIdentifiers { get; set; }

    public string? AssetsFile { get; set; }

    public string? TargetFramework { get; set; }

    /// <summary>The SDK's <c>LocalRegistry</c> as the build received it.</summary>
    public string? LocalRegistry { get; set; }

    protected override void Execute(IBuildLog log, CancellationToken cancellationToken)
    {
        var rids = PlatformPlan.MultiPlatformRids(ContainerRuntimeIdentifier, ContainerRuntimeIdentifiers);
        log.Detail(rids.Count == 0
            ? $"Drydock: one image, for {ContainerRuntimeIdentifier}"
            : $"Drydock: a multi-platform image (an OCI image index) for {string.Join(", ", rids)}");
        PlatformPlan.CheckLocalRegistry(rids, LocalRegistry);
        if (!string.IsNullOrEmpty(AssetsFile) && !string.IsNullOrEmpty(TargetFramework))
        {
            PlatformPlan.CheckRestored(rids, AssetsFile, TargetFramework);
        }
    }
}
