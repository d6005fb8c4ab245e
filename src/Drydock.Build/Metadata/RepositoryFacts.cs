namespace Drydock.Build.Metadata;

/// <summary>
/// What the git repository says about HEAD; the task maps the git reader's facts to it.
/// </summary>
/// <param name="Sha">The full commit id of HEAD (40 hex digits, or 64 in a SHA-256 repository).</param>
/// <param name="Branch">The checked-out branch, or <see langword="null"/> on a detached HEAD.</param>
/// <param name="IsDirty">Whether tracked files differ from HEAD.</param>
/// <param name="CommitTime">HEAD's committer time.</param>
/// <param name="RemoteUrl">The remote's URL, already without credentials.</param>
/// <param name="TagsAtHead">The tag names pointing at HEAD.</param>
/// <param name="IsShallow">Whether the clone is shallow, so tags may be missing.</param>
public sealed record RepositoryFacts(
    string Sha,
    string? Branch,
    bool IsDirty,
    DateTimeOffset CommitTime,
    string? RemoteUrl,
    IReadOnlyList<string> TagsAtHead,
    bool IsShallow);
