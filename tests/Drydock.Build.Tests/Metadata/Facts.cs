using Drydock.Build.Git;
using Drydock.Build.Ci;
using Drydock.Build.Metadata;

namespace Drydock.Build.Tests.Metadata;

/// <summary>Realistic facts the resolver tests start from.</summary>
internal static class Facts
{
    public const string RepoSha = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678";
    public const string CiSha = "c1c2c3c4c5c6c7c8c9c0c1c2c3c4c5c6c7c8c9c0";

    public static readonly DateTimeOffset CommitTime = new(2024, 5, 17, 9, 30, 15, 250, TimeSpan.FromHours(2));

    public static GitFacts Repository(string? branch = "main", IReadOnlyList<string>? tags = null, string? remote = "https://github.com/octo-org/shop.git") =>
        new("/src/shop", RepoSha, RepoSha[..7], branch, IsDirty: false, CommitTime, remote, tags ?? [], IsShallow: false);

    public static CiFacts CiRun(string? branch = "feature/ci", string? tag = null, string? pullRequest = null, string runId = "100") =>
        new(CiProvider.GitHubActions, runId, $"https://github.com/octo-org/shop/actions/runs/{runId}", pullRequest, CiSha, branch, tag, "https://github.com/octo-org/shop-ci");
}
