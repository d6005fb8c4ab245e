using Drydock.Build.Git;
using System.Collections.ObjectModel;
using System.Globalization;
using Drydock.Build.Ci;
using Drydock.Build.Diagnostics;
using Drydock.Build.Tagging;

namespace Drydock.Build.Metadata;

/// <summary>
/// Decides every piece of image metadata, explicit property &gt; CI &gt; git repository, and logs
/// each decision with its source. Nothing here reads the clock, the machine or the clone path, so
/// one commit gives one set of labels. Nothing of the run itself (which CI, its URL or id) is a label either: a CI re-run
/// of one commit, or a CI build of a commit first built on a laptop, builds the same bytes; the CI and the run are named
/// in the provenance (<see cref="Attestation.ProvenancePredicate"/>: builder id and invocation id).
/// </summary>
public static class MetadataResolver
{
    private const string Git = "git repository";

    public static ImageMetadata Resolve(MetadataInputs inputs, GitFacts? repository, CiFacts? ci, IBuildLog log)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(log);

        // Before the SDK reads it (its CONTAINER2012 says less): DRY2009, with what to leave out.
        if (Value(inputs.Registry) is { } registry)
        {
            Oci.Registry.RegistryEndpoint.Parse(registry);
        }

        if (Value(inputs.Repository) is { } repositoryName)
        {
            RepositoryName.Validate(repositoryName, Value(inputs.Registry));
        }

        if (repository is { IsShallow: true })
        {
            log.Detail("Drydock: the repository is a shallow clone; only fetched tags are seen on HEAD");
        }

        var ciSource = ci is null ? "" : $"CI {ci.Provider}";

        // The revision names the tree that was built: git HEAD beats the CI's variable, which for a pull
        // request names a merge commit the CI made or the base branch (pull_request_target).
        var revision = Pick(log, "revision", (inputs.Revision, "SourceRevisionId"), (repository?.Sha, "git HEAD"), (ci?.Sha, $"{ciSource} {ci?.ShaVariable}"));
        if (Value(inputs.Revision) is null)
        {
            WarnOnCiMismatch(repository, ci, log);
        }

        var shortRevision = revision?[..Math.Min(TagPlanner.ShortShaLength, revision.Length)];

        // A pull request or tag build has no branch of its own: the CI's branch variables name the base
        // (pull_request_target) or the source branch, and tagging either would move a branch's tag to bytes
        // that are not that branch.
        var branchBuild = ci is null || (!ci.IsPullRequest && ci.Tag is null);
        var branch = branchBuild
            ? Pick(log, "branch", (inputs.Branch, "DrydockBranch"), (ci?.Branch, ciSource), (repository?.Branch, Git))
            : Pick(log, "branch", (inputs.Branch, "DrydockBranch"));

        // The CI's branch names the commit the CI ran for. When HEAD is another tree (a job that checked out a pull
        // request on issue_comment, or fetched something else), the branch's tag would move to bytes that are not
        // that branch: the tree built gets no branch tag (DRY1051 says why).
        var branchTag = branch;
        if (Value(inputs.Branch) is null && Value(inputs.Revision) is null && ci?.Branch is not null && CiRanForAnotherCommit(repository, ci))
        {
            log.Detail($"Drydock: no branch tag: HEAD is not the commit the CI ran for on branch {ci.Branch}");
            branchTag = null;
        }
        var dirty = repository is { IsDirty: true };
        var created = Created(inputs, repository, log);

        var tagsAtHead = (repository?.TagsAtHead ?? []).Concat(ci?.Tag is { } ciTag ? [ciTag] : Array.Empty<string>());
        var version = VersionResolver.Resolve(Value(inputs.Version), tagsAtHead, Value(inputs.DefaultVersion), log);
        if (version is not null)
        {
            log.Detail($"Drydock: version={version.Text} (from {version.Source}){(version.IsStableRelease ? ", a stable release" : "")}");
        }

        var pullRequest = ci is { IsPullRequest: true } ? ci.PullRequest : null;
        var tags = Tags(inputs, version, revision, ci is { IsPullRequest: true } ? null : branchTag, pullRequest, dirty, log);
        var source = Pick(
            log,
            "source",
            (RemoteUrl.ToPublicHttps(inputs.SourceUrl), "RepositoryUrl"),
            (ci?.RepositoryUrl, ciSource),
            (RemoteUrl.ToPublicHttps(repository?.RemoteUrl), "git remote"));

        var labels = new OrderedDictionary<string, string>(StringComparer.Ordinal);
        Add(labels, LabelKeys.Revision, revision);
        Add(labels, LabelKeys.Source, source);
        Add(labels, LabelKeys.Created, created.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        Add(labels, LabelKeys.Version, version?.Text);
        Add(labels, LabelKeys.Title, inputs.Title);
        Add(labels, LabelKeys.Description, inputs.Description);
        Add(labels, LabelKeys.Url, inputs.Url);
        Add(labels, LabelKeys.Licenses, inputs.Licenses);
        Add(labels, LabelKeys.Vendor, inputs.Vendor);
        Add(labels, LabelKeys.Authors, inputs.Authors);
        Add(labels, LabelKeys.BaseName, inputs.BaseImageName);
        Add(labels, LabelKeys.BaseDigest, inputs.BaseImageDigest);
        Add(labels, LabelKeys.GitBranch, branch);
        Add(labels, LabelKeys.GitDirty, repository is null ? null : repository.IsDirty ? "true" : "false");
        Add(labels, LabelKeys.CiPullRequest, pullRequest);
        Add(labels, LabelKeys.CiPullRequestHeadSha, ci?.PullRequestHeadSha);
        Add(labels, LabelKeys.CiPullRequestMergeSha, ci?.PullRequestMergeSha);
        Add(labels, LabelKeys.CiPullRequestHeadRef, ci?.PullRequestHeadRef);
        Add(labels, LabelKeys.CiPullRequestBaseRef, ci?.PullRequestBaseRef);
        Add(labels, LabelKeys.BuildConfiguration, inputs.Configuration);
        Add(labels, LabelKeys.BuildSdk, inputs.SdkVersion);

        // ref.name names the image by its primary tag. It is an annotation only: the image spec defines
        // it for descriptors, and as a config label it would make the tag choice part of the image.
        var annotations = new OrderedDictionary<string, string>(labels, StringComparer.Ordinal);
        Add(annotations, LabelKeys.RefName, tags[0]);

        return new ImageMetadata(
            revision,
            shortRevision,
            branch,
            repository?.IsDirty,
            created,
            version?.Text,
            // A dirty build is no release: latest never moves to it.
            !dirty && (version?.IsStableRelease ?? false),
            tags,
            new ReadOnlyDictionary<string, string>(labels),
            new ReadOnlyDictionary<string, string>(annotations));
    }

    private static DateTimeOffset Created(MetadataInputs inputs, GitFacts? repository, IBuildLog log)
    {
        // Whole seconds in UTC: the label has no fraction, and the image config must agree with it.
        if (SourceDateEpoch.Parse(inputs.SourceDateEpoch) is { } epoch)
        {
            log.Detail($"Drydock: created={epoch:yyyy-MM-dd'T'HH:mm:ss'Z'} (from SOURCE_DATE_EPOCH)");
            return epoch;
        }

        if (repository is not null)
        {
            var commitTime = DateTimeOffset.FromUnixTimeSeconds(repository.CommitTime.ToUnixTimeSeconds());
            if (!SourceDateEpoch.IsInRange(commitTime))
            {
                throw new DrydockException(
                    KnownCodes.CommitTimeOutOfRange,
                    $"the commit time of HEAD ({repository.CommitTime.ToUnixTimeSeconds()} s since 1970) lies outside 1970-01-01..2242-03-16 UTC, which an image's tar headers cannot hold. Set the environment variable SOURCE_DATE_EPOCH to the source's time in that range.");
            }

            log.Detail($"Drydock: created={commitTime:yyyy-MM-dd'T'HH:mm:ss'Z'} (from the commit time of HEAD)");
            return commitTime;
        }

        throw new DrydockException(
            KnownCodes.NoRepository,
            $"no git repository was found and SOURCE_DATE_EPOCH is not set, so the image has no reproducible creation time. Publish from a git clone, or set the environment variable SOURCE_DATE_EPOCH to the source's time in seconds since 1970-01-01 UTC.");
    }

    /// <summary>
    /// DRY1051 when the CI ran for another commit than HEAD for a reason it does not explain: not a pull
    /// request's merge commit or head, not the base of a <c>pull_request_target</c> run that checked out the head.
    /// </summary>
    private static void WarnOnCiMismatch(GitFacts? repository, CiFacts? ci, IBuildLog log)
    {
        if (!CiRanForAnotherCommit(repository, ci))
        {
            return;
        }

        var ciSha = ci!.Sha!;

        log.Warning(
            KnownCodes.CiRevisionMismatch,
            $"the CI ({ci.Provider}) ran for commit {MessageText.Quote(ciSha)} ({ci.ShaVariable}), but the repository's HEAD is {repository!.Sha}; the image's revision and sha tag name HEAD, the tree that was built, and it gets no branch tag. If the job checks out or fetches another commit on purpose, set SourceRevisionId to HEAD to silence this; otherwise check out the commit the CI ran for.");
    }

    /// <summary>HEAD is neither the CI's commit nor, for a pull request, its head or merge commit.</summary>
    private static bool CiRanForAnotherCommit(GitFacts? repository, CiFacts? ci) =>
        repository is not null && Value(ci?.Sha) is { } ciSha && !Same(ciSha, repository.Sha)
        && !(ci!.IsPullRequest && (Same(ci.PullRequestHeadSha, repository.Sha) || Same(ci.PullRequestMergeSha, repository.Sha)));

    private static bool Same(string? a, string? b) => a is not null && b is not null && a.Equals(b, StringComparison.OrdinalIgnoreCase);

    private static IReadOnlyList<string> Tags(MetadataInputs inputs, ResolvedVersion? version, string? revision, string? branch, string? pullRequest, bool dirty, IBuildLog log)
    {
        var explicitTags = TagPlanner.Explicit(inputs.ExplicitTags, inputs.ExplicitTag);
        if (explicitTags.Count > 0)
        {
            log.Detail($"Drydock: tags={string.Join(';', explicitTags)} (from {(string.IsNullOrWhiteSpace(inputs.ExplicitTags) ? "ContainerImageTag" : "ContainerImageTags")})");
            return explicitTags;
        }

        var tags = TagPlanner.Compute(version, revision, branch, pullRequest, dirty, log);
        if (tags.Count == 0)
        {
            throw new DrydockException(
                KnownCodes.NoImageTags,
                $"no image tag could be computed: there is no commit (no repository, SourceRevisionId or CI) and no version (ContainerVersion, Version). Set ContainerImageTags or ContainerVersion.");
        }

        log.Detail($"Drydock: tags={string.Join(';', tags)} (computed; primary {tags[0]})");
        return tags;
    }

    private static string? Pick(IBuildLog log, string name, params (string? Value, string Source)[] candidates)
    {
        foreach (var (value, source) in candidates)
        {
            if (Value(value) is { } found)
            {
                log.Detail($"Drydock: {name}={found} (from {source})");
                return found;
            }
        }

        log.Detail($"Drydock: {name}=unknown (no label)");
        return null;
    }

    private static void Add(OrderedDictionary<string, string> labels, string key, string? value)
    {
        if (Value(value) is { } nonEmpty)
        {
            labels[key] = nonEmpty;
        }
    }

    private static string? Value(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
