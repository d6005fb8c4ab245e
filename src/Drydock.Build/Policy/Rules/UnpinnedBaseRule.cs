using Drydock.Build.Diagnostics;

namespace Drydock.Build.Policy.Rules;

/// <summary>A tag can move: the same commit then builds on another base, and the image is no longer reproducible.</summary>
internal sealed class UnpinnedBaseRule : ILintRule
{
    public IEnumerable<Finding> Check(LintSubject image)
    {
        var reference = image.Context.BaseImage;
        if (!string.IsNullOrWhiteSpace(reference) && !image.Context.BaseImagePinned)
        {
            yield return LintRules.Finding(
                KnownCodes.UnpinnedBaseImage,
                $"The base image '{reference}' is referenced by a tag, which can move to other content; pin it by digest (ContainerBaseImage={reference}@sha256:<digest>) and update the digest on purpose.",
                "ContainerBaseImage");
        }
    }
}
