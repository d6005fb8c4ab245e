using Drydock.Build.Ci;
using Drydock.Build.Diagnostics;
using Drydock.Build.Git;
using Drydock.Build.Metadata;
using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Ci;

/// <summary>
/// One row per CI provider event, from the variables (and GitHub's event payload) such a run sets, in
/// Ci/Fixtures: what the CI says, and the tags and labels Drydock gives the image built from the
/// checkout's HEAD. The rules: PR/MR builds get <c>pr-N</c> and the sha tag, never a branch tag; tag
/// builds get no branch tag; the revision is HEAD, with the PR head and merge commit in their own labels.
/// </summary>
public sealed class ProviderEvents
{
    private const string Head = "2222222222222222222222222222222222222222";
    private const string Merge = "1111111111111111111111111111111111111111";
    private const string Base = "3333333333333333333333333333333333333333";

    [Theory]
    // fixture, git HEAD, tags, pr, PR head, merge commit, branch label
    [InlineData("github_push_main", Head, "sha-2222222;main", null, null, null, "main")]
    [InlineData("github_push_tag", Head, "1.2.3;1.2;1;sha-2222222", null, null, null, null)]
    [InlineData("github_pull_request", Merge, "sha-1111111;pr-7", "7", Head, Merge, null)]
    [InlineData("github_pull_request", Head, "sha-2222222;pr-7", "7", Head, Merge, null)]
    [InlineData("github_pull_request_target", Base, "sha-3333333;pr-8", "8", Head, null, null)]
    [InlineData("github_pull_request_target", Head, "sha-2222222;pr-8", "8", Head, null, null)]
    [InlineData("github_merge_group", Head, "sha-2222222", null, null, null, null)]
    [InlineData("gitlab_branch", Head, "sha-2222222;main", null, null, null, "main")]
    [InlineData("gitlab_tag", Head, "1.2.3;1.2;1;sha-2222222", null, null, null, null)]
    [InlineData("gitlab_merge_request", Head, "sha-2222222;pr-12", "12", Head, null, null)]
    [InlineData("gitlab_merged_result", Merge, "sha-1111111;pr-12", "12", Head, Merge, null)]
    [InlineData("gitlab_external_pull_request", Head, "sha-2222222;pr-5", "5", Head, null, null)]
    [InlineData("azure_branch", Head, "sha-2222222;release-2", null, null, null, "release/2")]
    [InlineData("azure_tag", Head, "1.2.3;1.2;1;sha-2222222", null, null, null, null)]
    [InlineData("azure_repos_pull_request", Merge, "sha-1111111;pr-31", "31", Head, Merge, null)]
    [InlineData("azure_github_pull_request", Merge, "sha-1111111;pr-17", "17", Head, Merge, null)]
    [InlineData("jenkins_branch", Head, "sha-2222222;main", null, null, null, "main")]
    [InlineData("jenkins_pull_request", Merge, "sha-1111111;pr-42", "42", null, null, null)]
    [InlineData("jenkins_tag", Head, "1.2.3;1.2;1;sha-2222222", null, null, null, null)]
    public void Event_TagsAndLabels(string fixture, string head, string tags, string? pullRequest, string? prHead, string? prMerge, string? branchLabel)
    {
        var log = new ListBuildLog();
        var ci = CiEnvironment.Detect(Fixture(fixture), log)!;

        var metadata = MetadataResolver.Resolve(new MetadataInputs { DefaultVersion = "1.0.0" }, Repository(head), ci, log);

        Assert.Equal(tags.Split(';'), metadata.Tags);
        Assert.Equal(head, metadata.Revision);
        Assert.Equal(head, metadata.Labels[LabelKeys.Revision]);
        Assert.Equal(pullRequest, metadata.Labels.GetValueOrDefault(LabelKeys.CiPullRequest));
        Assert.Equal(prHead, metadata.Labels.GetValueOrDefault(LabelKeys.CiPullRequestHeadSha));
        Assert.Equal(prMerge, metadata.Labels.GetValueOrDefault(LabelKeys.CiPullRequestMergeSha));
        Assert.Equal(branchLabel, metadata.Labels.GetValueOrDefault(LabelKeys.GitBranch));
        Assert.Equal(prHead, ci.PullRequestHeadSha);
        Assert.Empty(log.Warnings);
        Assert.DoesNotContain(log.All, line => line.Contains("SECRET", StringComparison.OrdinalIgnoreCase) || line.Contains("s3cret", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("github_pull_request", "develop", "main")]
    [InlineData("github_pull_request_target", "main", "main")]
    [InlineData("gitlab_merged_result", "feature/login", "main")]
    [InlineData("gitlab_external_pull_request", "develop", "main")]
    [InlineData("azure_repos_pull_request", "feature/x", "main")]
    [InlineData("azure_github_pull_request", "latest", "main")]
    [InlineData("jenkins_pull_request", "main", "main")]
    public void PullRequest_SourceAndTargetBranchRecordedNeverTagged(string fixture, string headRef, string baseRef)
    {
        var log = new ListBuildLog();
        var ci = CiEnvironment.Detect(Fixture(fixture), log)!;

        var metadata = MetadataResolver.Resolve(new MetadataInputs(), Repository(ci.PullRequestMergeSha ?? ci.Sha!), ci, log);

        Assert.True(ci.IsPullRequest);
        Assert.Null(ci.Branch);
        Assert.Equal(headRef, metadata.Labels[LabelKeys.CiPullRequestHeadRef]);
        Assert.Equal(baseRef, metadata.Labels[LabelKeys.CiPullRequestBaseRef]);
        Assert.DoesNotContain(headRef.Replace('/', '-'), metadata.Tags);
        Assert.DoesNotContain(baseRef, metadata.Tags);
    }

    [Theory]
    [InlineData("github_push_main", "GITHUB_SHA")]
    [InlineData("gitlab_branch", "CI_COMMIT_SHA")]
    [InlineData("azure_branch", "BUILD_SOURCEVERSION")]
    [InlineData("jenkins_branch", "GIT_COMMIT")]
    [InlineData("github_pull_request", "GITHUB_SHA")]
    public void HeadIsAnotherCommit_RevisionIsHeadAndDRY1051Says(string fixture, string variable)
    {
        const string other = "4444444444444444444444444444444444444444";
        var log = new ListBuildLog();
        var ci = CiEnvironment.Detect(Fixture(fixture), log)!;

        var metadata = MetadataResolver.Resolve(new MetadataInputs(), Repository(other), ci, log);

        Assert.Equal(other, metadata.Revision);
        Assert.Equal(["sha-4444444", ..(ci.IsPullRequest ? new[] { $"pr-{ci.PullRequest}" } : [])], metadata.Tags);
        var warning = Assert.Single(log.Warnings);
        Assert.Equal(KnownCodes.CiRevisionMismatch, warning.Code);
        Assert.Contains(variable, warning.Message, StringComparison.Ordinal);
        Assert.Contains(other, warning.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A comment-triggered run names the default branch (GITHUB_REF=refs/heads/main, GITHUB_SHA its head); a job that then
    /// checks out the pull request builds other code, which must not get the tag main.
    /// </summary>
    [Fact]
    public void IssueCommentRunThatCheckedOutAPullRequest_NoBranchTag()
    {
        var log = new ListBuildLog();
        var ci = CiEnvironment.Detect(Fixture("github_issue_comment"), log)!;

        var metadata = MetadataResolver.Resolve(new MetadataInputs(), Repository(Head), ci, log);

        Assert.Equal(["sha-2222222"], metadata.Tags);
        Assert.Equal(KnownCodes.CiRevisionMismatch, Assert.Single(log.Warnings).Code);
        Assert.Contains("no branch tag", log.Warnings[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BranchNamedLatest_BranchPrefixedTagAndDRY1052()
    {
        var log = new ListBuildLog();
        var ci = CiEnvironment.Detect(Fixture("github_push_latest"), log)!;

        var metadata = MetadataResolver.Resolve(new MetadataInputs(), Repository(Head), ci, log);

        Assert.Equal(["sha-2222222", "branch-latest"], metadata.Tags);
        Assert.Equal("latest", metadata.Labels[LabelKeys.GitBranch]);
        Assert.Equal(KnownCodes.BranchTagReserved, Assert.Single(log.Warnings).Code);
    }

    [Theory]
    [InlineData("github_push_main")]
    [InlineData("github_push_tag")]
    [InlineData("github_pull_request")]
    public void DirtyWorkTree_OnlyTheDirtyShaTagAndNoRelease(string fixture)
    {
        var log = new ListBuildLog();
        var ci = CiEnvironment.Detect(Fixture(fixture), log)!;
        var head = ci.Sha!;

        var metadata = MetadataResolver.Resolve(new MetadataInputs(), Repository(head) with { IsDirty = true }, ci, log);

        Assert.Equal([$"sha-{head[..7]}-dirty"], metadata.Tags);
        Assert.False(metadata.IsStableRelease);
        Assert.Equal("true", metadata.Labels[LabelKeys.GitDirty]);
    }

    /// <summary>The fixture's variables; a relative GITHUB_EVENT_PATH is resolved next to it.</summary>
    private static Dictionary<string, string> Fixture(string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "Ci", "Fixtures");
        var variables = File.ReadAllLines(Path.Combine(folder, name + ".env"))
            .Where(line => line.Contains('=', StringComparison.Ordinal))
            .Select(line => line.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
        if (variables.TryGetValue("GITHUB_EVENT_PATH", out var payload))
        {
            variables["GITHUB_EVENT_PATH"] = Path.Combine(folder, payload);
        }

        return variables;
    }

    private static GitFacts Repository(string head) =>
        new("/src/shop", head, head[..7], Branch: null, IsDirty: false, new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), "https://github.com/octo-org/shop.git", [], IsShallow: false);
}
