namespace Drydock.Build.Metadata;

/// <summary>
/// What the project says, from MSBuild properties (named in each summary). Every value is optional;
/// blank counts as unset. Set values beat the CI's and the repository's.
/// </summary>
public sealed record MetadataInputs
{
    /// <summary><c>ContainerRepository</c>, validated when set.</summary>
    public string? Repository { get; init; }

    /// <summary><c>ContainerRegistry</c>, for the length limit of the full name.</summary>
    public string? Registry { get; init; }

    /// <summary><c>SourceRevisionId</c>.</summary>
    public string? Revision { get; init; }

    /// <summary><c>DrydockBranch</c>.</summary>
    public string? Branch { get; init; }

    /// <summary><c>ContainerVersion</c>.</summary>
    public string? Version { get; init; }

    /// <summary><c>$(Version)</c>, used when neither <c>ContainerVersion</c> nor a version tag on HEAD is there.</summary>
    public string? DefaultVersion { get; init; }

    /// <summary><c>RepositoryUrl</c>; credentials in it are dropped.</summary>
    public string? SourceUrl { get; init; }

    /// <summary>The <c>SOURCE_DATE_EPOCH</c> environment variable: integer seconds since 1970-01-01 UTC.</summary>
    public string? SourceDateEpoch { get; init; }

    /// <summary><c>ContainerImageTags</c>: semicolon-separated; when set, replaces the computed tags.</summary>
    public string? ExplicitTags { get; init; }

    /// <summary><c>ContainerImageTag</c>: used when <c>ContainerImageTags</c> is not set.</summary>
    public string? ExplicitTag { get; init; }

    public string? Title { get; init; }

    public string? Description { get; init; }

    public string? Url { get; init; }

    public string? Licenses { get; init; }

    public string? Vendor { get; init; }

    public string? Authors { get; init; }

    /// <summary>The base image reference, for <c>org.opencontainers.image.base.name</c>.</summary>
    public string? BaseImageName { get; init; }

    /// <summary>The base image manifest digest, for <c>org.opencontainers.image.base.digest</c>.</summary>
    public string? BaseImageDigest { get; init; }

    /// <summary><c>$(Configuration)</c>.</summary>
    public string? Configuration { get; init; }

    /// <summary><c>$(NETCoreSdkVersion)</c>.</summary>
    public string? SdkVersion { get; init; }
}
