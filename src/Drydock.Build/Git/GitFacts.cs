namespace Drydock.Build.Git;

/// <summary>What Drydock stamps into an image from the git repository that holds the project.</summary>
/// <param name="RepositoryRoot">The top of the work tree (of the linked worktree, for <c>git worktree</c>).</param>
/// <param name="Sha">Full object name of HEAD: 40 hex digits, or 64 in a SHA-256 repository.</param>
/// <param name="ShortSha">The first 7 hex digits of <paramref name="Sha"/>.</param>
/// <param name="Branch">Branch name without <c>refs/heads/</c>; null on a detached HEAD.</param>
/// <param name="IsDirty">A tracked file differs from HEAD (in the index or the work tree); untracked files do not count.</param>
/// <param name="CommitTime">Committer time of HEAD, in UTC.</param>
/// <param name="RemoteUrl">The remote as a credential-free http(s) URL (see <see cref="Git.RemoteUrl"/>), or null.</param>
/// <param name="TagsAtHead">Tags that point at HEAD, annotated or lightweight, in git's order.</param>
/// <param name="IsShallow">The clone is shallow: HEAD is right, older history and tags may be missing.</param>
public sealed record GitFacts(
    string RepositoryRoot,
    string Sha,
    string ShortSha,
    string? Branch,
    bool IsDirty,
    DateTimeOffset CommitTime,
    string? RemoteUrl,
    IReadOnlyList<string> TagsAtHead,
    bool IsShallow);
