using Drydock.Build.Diagnostics;

namespace Drydock.Build.Policy.Rules;

/// <summary>
/// A tag can move: the same commit then builds on another base. Harmless when the image records the
/// base's digest (<c>org.opencontainers.image.base.digest</c>, which the SDK writes): the base can be
/// found again. A warning only when neither pins nor records it.
/// </summary>
internal sealed class UnpinnedBaseRule : ILintRule
{
    private const string BaseDigestLabel = "org.opencontainers.image.base.digest";

    public IEnumerable<Finding> Check(LintSubject image)
    {
        var reference = image.Context.BaseImage;
        var recorded = image.Labels.Any(label => label.Key == BaseDigestLabel && label.Value.StartsWith("sha256:", StringComparison.Ordinal));
        if (!string.IsNullOrWhiteSpace(reference) && !image.Context.BaseImagePinned && !recorded)
        {
            yield return LintRules.Finding(
                KnownCodes.UnpinnedBaseImage,
                $"The base image '{reference}' is referenced by a tag, which can move to other content, and the image records no base digest; pin it by digest (ContainerBaseImage={reference}@sha256:<digest>) and update the digest on purpose.",
                "ContainerBaseImage");
        }
    }
}
