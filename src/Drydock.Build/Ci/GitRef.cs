namespace Drydock.Build.Ci;

/// <summary>Splits full git ref names (git-check-ref-format(1)) into branch, tag and pull-request parts.</summary>
internal static class GitRef
{
    private const string Heads = "refs/heads/";
    private const string Tags = "refs/tags/";
    private const string Pull = "refs/pull/";

    public static string? Branch(string? reference) =>
        reference is not null && reference.StartsWith(Heads, StringComparison.Ordinal) ? NonEmpty(reference[Heads.Length..]) : null;

    public static string? Tag(string? reference) =>
        reference is not null && reference.StartsWith(Tags, StringComparison.Ordinal) ? NonEmpty(reference[Tags.Length..]) : null;

    /// <summary>The number in <c>refs/pull/N/merge</c> or <c>refs/pull/N/head</c>, the refs GitHub and Azure Repos build for pull requests.</summary>
    public static string? PullRequest(string? reference)
    {
        if (reference is null || !reference.StartsWith(Pull, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = reference[Pull.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var number = slash < 0 ? rest : rest[..slash];
        return number.Length > 0 && number.All(char.IsAsciiDigit) ? number : null;
    }

    /// <summary><c>refs/pull/N/merge</c>: the merge commit GitHub and Azure Repos make for a pull request.</summary>
    public static bool IsPullRequestMerge(string? reference) =>
        PullRequest(reference) is not null && reference!.EndsWith("/merge", StringComparison.Ordinal);

    /// <summary>A branch given either as a full ref or as a plain name (providers differ).</summary>
    public static string? BranchOrName(string? value) =>
        value is null ? null
        : value.StartsWith(Heads, StringComparison.Ordinal) ? Branch(value)
        : value.StartsWith("refs/", StringComparison.Ordinal) ? null
        : value;

    private static string? NonEmpty(string value) => value.Length == 0 ? null : value;
}
