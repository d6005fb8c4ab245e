using Drydock.Build.Diagnostics;
using Drydock.Build.Oci.Registry;
using Drydock.Build.Runtime;
using Microsoft.Build.Framework;

namespace Drydock.Build.Tasks;

/// <summary>
/// What the push would refuse, decided as soon as the metadata is known, before the image is built, loaded or
/// tested: a push of a dirty tree without <c>DrydockPushDirty</c> (DRY6011), and a signing key the attestations
/// could not be signed with (DRY2030–DRY2034, <see cref="Attestation.SigningKey.Resolve"/>).
/// </summary>
public sealed class CheckPush : DrydockTask
{
    /// <summary>The <c>ContainerLabel</c> items DrydockComputeMetadata resolved (metadata <c>Value</c>).</summary>
    public ITaskItem[] Labels { get; set; } = [];

    /// <summary><c>DrydockPush</c>.</summary>
    public bool Push { get; set; }

    /// <summary><c>DrydockPushDirty</c>.</summary>
    public bool PushDirty { get; set; }

    public string? Registry { get; set; }

    [Required]
    public string Repository { get; set; } = "";

    /// <summary>Semicolon-separated, as <c>ContainerImageTags</c>.</summary>
    public string? Tags { get; set; }

    /// <summary><c>DrydockAttest</c>: whether the attestations are made, so the signing key matters.</summary>
    public bool Attest { get; set; }

    /// <summary><c>DrydockSigningKey</c>.</summary>
    public string? SigningKey { get; set; }

    /// <summary><c>DrydockRequireSigning</c>.</summary>
    public bool RequireSigning { get; set; }

    protected override void Execute(IBuildLog log, CancellationToken cancellationToken)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var label in Labels)
        {
            labels[label.ItemSpec] = label.GetMetadata("Value");
        }

        ImagePusher.CheckDirty(labels, Push, PushDirty, Registry, Repository, ImageName.SplitTags(Tags));
        if (Attest)
        {
            using var key = Attestation.SigningKey.Resolve(SigningKey, Environment.GetEnvironmentVariable, RequireSigning);
        }
    }
}
