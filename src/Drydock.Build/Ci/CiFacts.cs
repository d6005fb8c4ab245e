namespace Drydock.Build.Ci;

/// <summary>
/// What a CI system says about the build it runs. Every value is optional except the provider, and
/// <see cref="RepositoryUrl"/> never carries credentials. <see cref="Sha"/> is the commit the CI ran for,
/// which for a pull request is a merge commit the CI made (or, for GitHub's <c>pull_request_target</c>,
/// the base branch's head): the image's revision is git HEAD, the tree that was built, and these are
/// recorded beside it, never swapped in.
/// </summary>
/// <param name="Provider">One of the <see cref="CiProvider"/> names.</param>
/// <param name="RunId">The provider's id of this run.</param>
/// <param name="RunUrl">A link to this run; differs on every run by design.</param>
/// <param name="PullRequest">The pull/merge request number (GitLab: the IID), when the run is for one.</param>
/// <param name="Sha">The full commit id the CI ran for (<see cref="ShaVariable"/> names where it came from).</param>
/// <param name="Branch">The branch name without <c>refs/heads/</c>, only for a branch build: null for pull requests and tags.</param>
/// <param name="Tag">The tag name without <c>refs/tags/</c>, when the run is for a tag.</param>
/// <param name="RepositoryUrl">The repository's web URL, without user, password or token.</param>
public sealed record CiFacts(
    string Provider,
    string? RunId,
    string? RunUrl,
    string? PullRequest,
    string? Sha,
    string? Branch,
    string? Tag,
    string? RepositoryUrl)
{
    /// <summary>The variable <see cref="Sha"/> came from (<c>GITHUB_SHA</c>, <c>CI_COMMIT_SHA</c>, …), for messages.</summary>
    public string? ShaVariable { get; init; }

    /// <summary>The pull request's head commit: the last commit of its source branch.</summary>
    public string? PullRequestHeadSha { get; init; }

    /// <summary>The merge of the head into the base that the CI made and built by default, when it made one.</summary>
    public string? PullRequestMergeSha { get; init; }

    /// <summary>The pull request's source branch name (for a fork, the fork's branch).</summary>
    public string? PullRequestHeadRef { get; init; }

    /// <summary>The branch the pull request targets.</summary>
    public string? PullRequestBaseRef { get; init; }

    /// <summary>The run is for a pull/merge request, even when its number is unknown (an unreadable payload).</summary>
    public bool IsPullRequest { get; init; } = PullRequest is not null;
}
