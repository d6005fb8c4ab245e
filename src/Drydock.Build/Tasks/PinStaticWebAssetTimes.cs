using Drydock.Build.Diagnostics;
using Drydock.Build.Oci;
using Microsoft.Build.Framework;

namespace Drydock.Build.Tasks;

/// <summary>Sets the <c>Last-Modified</c> values of the publish folder's static web asset endpoints to the image's epoch (<see cref="StaticWebAssetEndpoints"/>).</summary>
public sealed class PinStaticWebAssetTimes : DrydockTask
{
    [Required]
    public string PublishDirectory { get; set; } = "";

    /// <summary>RFC 3339: <c>DrydockCreated</c>, the epoch of the image.</summary>
    /// <remarks>DRY2011 when it is not a time.</remarks>
    [Required]
    public string Created { get; set; } = "";

    protected override void Execute(IBuildLog log, CancellationToken cancellationToken)
    {
        foreach (var manifest in StaticWebAssetEndpoints.PinInFolder(PublishDirectory, NormalizeOptions.ParseEpoch(Created)))
        {
            log.Detail($"Drydock: Last-Modified of the static web assets in {manifest} set to {Created}");
        }
    }
}
