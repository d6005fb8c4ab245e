namespace Drydock.Build.Policy;

/// <summary>What only the build knows about an image: the facts the lint cannot read from the archive.</summary>
public sealed record LintContext
{
    private bool? baseImagePinned;

    /// <summary>The publish's <c>Configuration</c>, e.g. <c>Release</c>.</summary>
    public string Configuration { get; init; } = "Release";

    /// <summary>
    /// The app's <c>InvariantGlobalization</c>: true means it does not need ICU; null when the project leaves
    /// it unset. A set value goes into runtimeconfig.json, and .NET reads that switch before the image's
    /// <c>DOTNET_SYSTEM_GLOBALIZATION_INVARIANT</c>, which decides only when the switch is absent.
    /// </summary>
    public bool? InvariantGlobalization { get; init; }

    /// <summary>
    /// The base image reference as the user chose it: <c>ContainerBaseImage</c> as written, or the SDK's
    /// default when they wrote none; null when unknown, e.g. when auditing a foreign archive.
    /// </summary>
    public string? BaseImage { get; init; }

    /// <summary>The user wrote no <c>ContainerBaseImage</c>: <see cref="BaseImage"/> is the SDK's choice.</summary>
    public bool BaseImageIsDefault { get; init; }

    /// <summary>Debug symbol files (<c>*.pdb</c>, <c>*.dbg</c>, <c>*.debug</c>) larger than this are DRY4015.</summary>
    public long MaxDebugSymbolsSize { get; init; } = 1_000_000;

    /// <summary>Whether the base was referenced by digest; by default, whether <see cref="BaseImage"/> contains <c>@sha256:</c>.</summary>
    public bool BaseImagePinned
    {
        get => baseImagePinned ?? IsPinnedReference(BaseImage);
        init => baseImagePinned = value;
    }

    /// <summary>
    /// The image is one platform of a multi-platform image: the base is pinned by its image index's digest,
    /// not by the per-platform manifest digest the SDK records in <c>org.opencontainers.image.base.digest</c>.
    /// </summary>
    public bool OnePlatformOfMany { get; init; }

    /// <summary>
    /// <c>DrydockRequirePinnedBase</c>: a base referenced by a tag is a DRY4012 warning. Otherwise a note: a tag
    /// base is how patched bases arrive, so it is advice, not a fault.
    /// </summary>
    public bool RequirePinnedBase { get; init; }

    /// <summary>
    /// <c>DrydockWarnOnDevelopmentSettings</c>: <c>appsettings.Development.json</c> in the app layers is a DRY4005
    /// warning. Otherwise a note: every template has the file and the SDK publishes it, and the app reads it only
    /// in the Development environment.
    /// </summary>
    public bool WarnOnDevelopmentSettings { get; init; }

    /// <summary>
    /// <c>DrydockWarnOnDebugSymbols</c>: large debug symbols in the app layers are a DRY4015 warning. Otherwise a note:
    /// Native AOT publishes its split symbols by default (the SDK's <c>webapiaot</c> template too), and they cost
    /// size, not safety.
    /// </summary>
    public bool WarnOnDebugSymbols { get; init; }

    /// <summary>
    /// <c>DrydockWarnOnNuGetConfig</c>: a <c>NuGet.config</c> without credentials in the app layers is a DRY4005
    /// warning. Otherwise a note (one with credentials is DRY4004, an error, either way).
    /// </summary>
    public bool WarnOnNuGetConfig { get; init; }

    /// <summary><c>DrydockMaxExposedPorts</c>.</summary>
    public int MaxExposedPorts { get; init; } = 2;

    /// <summary><c>ContainerImageSizeBudget</c> in bytes (see <see cref="ByteSize.TryParse"/>); null for no budget.</summary>
    public long? SizeBudget { get; init; }

    public static bool IsPinnedReference(string? reference) =>
        reference is not null && reference.Contains("@sha256:", StringComparison.Ordinal);
}
