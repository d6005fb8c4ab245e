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
    public const string CiPullRequest = "io.drydock.ci.pr";

    /// <summary>The pull request's head commit (its source branch's last commit), when the CI names it.</summary>
    public const string CiPullRequestHeadSha = "io.drydock.ci.pr.head-sha";

    /// <summary>The merge commit the CI made of head and base, when it made one (it may be what was built).</summary>
    public const string CiPullRequestMergeSha = "io.drydock.ci.pr.merge-sha";

    /// <summary>The pull request's source branch name.</summary>
    public const string CiPullRequestHeadRef = "io.drydock.ci.pr.head-ref";

    /// <summary>The branch the pull request targets.</summary>
    public const string CiPullRequestBaseRef = "io.drydock.ci.pr.base-ref";
    public const string BuildConfiguration = "io.drydock.build.configuration";
    public const string BuildSdk = "io.drydock.build.sdk";
}
