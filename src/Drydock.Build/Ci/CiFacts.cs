namespace Drydock.Build.Ci;

/// <summary>
/// What a CI system says about the build it runs. Every value is optional except the provider;
/// <see cref="Sha"/> is the commit under review (for a pull request its head, not the CI's merge
/// commit) and <see cref="RepositoryUrl"/> never carries credentials.
/// </summary>
/// <param name="Provider">One of the <see cref="CiProvider"/> names.</param>
/// <param name="RunId">The provider's id of this run.</param>
/// <param name="RunUrl">A link to this run; differs on every run by design.</param>
/// <param name="PullRequest">The pull/merge request number, when the run is for one.</param>
/// <param name="Sha">The full commit id.</param>
/// <param name="Branch">The branch name without <c>refs/heads/</c>; for a pull request its source branch.</param>
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
    string? RepositoryUrl);
