namespace Drydock.Build.Metadata;

/// <summary>
/// The label and annotation keys Drydock writes: the OCI pre-defined annotation keys
/// (https://github.com/opencontainers/image-spec/blob/main/annotations.md#pre-defined-annotation-keys)
/// and Drydock's own under <c>io.drydock</c>.
/// </summary>
public static class LabelKeys
{
    public const string Created = "org.opencontainers.image.created";
    public const string Authors = "org.opencontainers.image.authors";
    public const string Url = "org.opencontainers.image.url";
    public const string Source = "org.opencontainers.image.source";
    public const string Version = "org.opencontainers.image.version";
    public const string Revision = "org.opencontainers.image.revision";
    public const string Vendor = "org.opencontainers.image.vendor";
    public const string Licenses = "org.opencontainers.image.licenses";
    public const string RefName = "org.opencontainers.image.ref.name";
    public const string Title = "org.opencontainers.image.title";
    public const string Description = "org.opencontainers.image.description";
    public const string BaseDigest = "org.opencontainers.image.base.digest";
    public const string BaseName = "org.opencontainers.image.base.name";

    public const string GitBranch = "io.drydock.git.branch";
    public const string GitDirty = "io.drydock.git.dirty";
    public const string CiProvider = "io.drydock.ci.provider";
    public const string CiRunUrl = "io.drydock.ci.run-url";
    public const string CiPullRequest = "io.drydock.ci.pr";
    public const string BuildConfiguration = "io.drydock.build.configuration";
    public const string BuildSdk = "io.drydock.build.sdk";
}
