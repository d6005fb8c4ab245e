using Drydock.Build.Diagnostics;

namespace Drydock.Build.Runtime;

public static class ImageName
{
    /// <summary>Splits an MSBuild list of tags (<c>a;b;;c</c>) into distinct, non-empty tags, in order.</summary>
    public static IReadOnlyList<string> SplitTags(string? tags) =>
        (tags ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>
    /// The names the image gets in the local runtime: <c>registry/repository:tag</c> when a registry is
    /// set (so a later <c>push</c> by name goes there), else <c>repository:tag</c>, as the SDK names them.
    /// </summary>
    /// <exception cref="DrydockException">DRY2005: no tag (e.g. <c>ContainerImageTags=;</c>), so the image would have no name.</exception>
    public static IReadOnlyList<string> LocalNames(string? registry, string repository, IReadOnlyList<string> tags)
    {
        if (tags.Count == 0)
        {
            throw new DrydockException(KnownCodes.NoImageTags,
                "ContainerImageTags holds no tag (only ';' or spaces), so the image would have no name. Set ContainerImageTags to one or more tags, or remove it to have Drydock compute them.");
        }

        var prefix = string.IsNullOrEmpty(registry) ? repository : $"{registry.TrimEnd('/')}/{repository}";
        return tags.Select(tag => $"{prefix}:{tag}").ToArray();
    }
}
