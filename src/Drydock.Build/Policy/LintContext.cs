namespace Drydock.Build.Policy;

/// <summary>What only the build knows about an image: the facts the lint cannot read from the archive.</summary>
public sealed record LintContext
{
    private bool? baseImagePinned;

    /// <summary>The publish's <c>Configuration</c>, e.g. <c>Release</c>.</summary>
    public string Configuration { get; init; } = "Release";

    /// <summary>The app's <c>InvariantGlobalization</c>: true means it does not need ICU.</summary>
    public bool InvariantGlobalization { get; init; }

    /// <summary>The base image reference (<c>ContainerBaseImage</c> or the SDK's default); null when unknown, e.g. when auditing a foreign archive.</summary>
    public string? BaseImage { get; init; }

    /// <summary>Whether the base was referenced by digest; by default, whether <see cref="BaseImage"/> contains <c>@sha256:</c>.</summary>
    public bool BaseImagePinned
    {
        get => baseImagePinned ?? IsPinnedReference(BaseImage);
        init => baseImagePinned = value;
    }

    /// <summary><c>DrydockMaxExposedPorts</c>.</summary>
    public int MaxExposedPorts { get; init; } = 2;

    /// <summary><c>ContainerImageSizeBudget</c> in bytes (see <see cref="ByteSize.TryParse"/>); null for no budget.</summary>
    public long? SizeBudget { get; init; }

    public static bool IsPinnedReference(string? reference) =>
        reference is not null && reference.Contains("@sha256:", StringComparison.Ordinal);
}
