using Drydock.Build.Diagnostics;

namespace Drydock.Build.Policy.Rules;

/// <summary>
/// A tag can move: the same commit then builds on another base. Judged on the reference the user chose
/// (<c>ContainerBaseImage</c> as written, or the SDK's default, always a tag), not on the
/// <c>org.opencontainers.image.base.digest</c> label: the SDK writes that label for every image, so it
/// records what a tag pointed at once but pins nothing. The label's digest goes into the advice.
/// </summary>
internal sealed class UnpinnedBaseRule : ILintRule
{
    private const string BaseDigestLabel = "org.opencontainers.image.base.digest";

    public IEnumerable<Finding> Check(LintSubject image)
    {
        var reference = image.Context.BaseImage;
        if (string.IsNullOrWhiteSpace(reference) || image.Context.BaseImagePinned)
        {
            yield break;
        }

        var whose = image.Context.BaseImageIsDefault ? "The SDK's default base image" : "ContainerBaseImage";
        var pin = image.Context.OnePlatformOfMany
            // The label holds this platform's manifest digest; one ContainerBaseImage serves every platform.
            ? $"pin it by the digest of its image index, which covers every platform (ContainerBaseImage={MessageText.Escape(reference)}@sha256:<index digest>, e.g. from 'skopeo inspect --raw docker://{MessageText.Escape(reference)} | sha256sum')"
            : $"pin it by digest (ContainerBaseImage={MessageText.Escape(reference)}@{image.Labels.FirstOrDefault(label => label.Key == BaseDigestLabel && label.Value.StartsWith("sha256:", StringComparison.Ordinal)).Value ?? "sha256:<digest>"})";
        // Advice by default: a tag base is how a patched base reaches the next build; honest re-runs explain the move.
        yield return LintRules.Finding(
            KnownCodes.UnpinnedBaseImage,
            image.Context.RequirePinnedBase ? Severity.Warning : Severity.Note,
            $"{whose} {MessageText.Quote(reference)} is a tag, which can move to other content, so the same commit can build on another base; {pin} and update the digest on purpose (DrydockRequirePinnedBase=true makes this a warning).",
            "ContainerBaseImage");
    }
}
