using Drydock.Build.Ci;
using Drydock.Build.Diagnostics;
using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Ci;

public class GitHubActionsTests
{
    private const string MergeSha = "1111111111111111111111111111111111111111";
    private const string HeadSha = "2222222222222222222222222222222222222222";

    private static Dictionary<string, string> Runner(params (string Key, string Value)[] extra)
    {
        var env = new Dictionary<string, string>
        {
            ["CI"] = "true",
            ["GITHUB_ACTIONS"] = "true",
            ["GITHUB_SERVER_URL"] = "https://github.com",
            ["GITHUB_REPOSITORY"] = "octo-org/shop",
            ["GITHUB_RUN_ID"] = "9876543210",
            ["GITHUB_SHA"] = MergeSha,
            ["GITHUB_HEAD_REF"] = "",
            ["GITHUB_BASE_REF"] = "",
        };
        foreach (var (key, value) in extra)
        {
            env[key] = value;
        }

        return env;
    }

    [Fact]
    public void PullRequest_UnreadablePayload_WarnsAndKeepsGitHubSha()
    {
        using var temp = new TempDirectory();
        var log = new ListBuildLog();
        var env = Runner(
            ("GITHUB_EVENT_NAME", "pull_request"),
            ("GITHUB_EVENT_PATH", temp.Write("event.json", "{ not json")),
            ("GITHUB_REF", "refs/pull/42/merge"));

        var facts = CiEnvironment.Detect(env, log)!;

        Assert.Equal(MergeSha, facts.Sha);
        Assert.Equal("42", facts.PullRequest);
        Assert.Equal(KnownCodes.CiEventUnreadable, Assert.Single(log.Warnings).Code);
    }

    [Fact]
    public void PushToBranch_BranchFromRef_NoPullRequest()
    {
        var env = Runner(
            ("GITHUB_EVENT_NAME", "push"),
            ("GITHUB_REF", "refs/heads/release/2.x"),
            ("GITHUB_REF_NAME", "release/2.x"),
            ("GITHUB_REF_TYPE", "branch"));

        var facts = CiEnvironment.Detect(env)!;

        Assert.Equal((MergeSha, "release/2.x", null, null), (facts.Sha, facts.Branch, facts.Tag, facts.PullRequest));
    }

    [Fact]
    public void TagPush_TagFromRef_NoBranch()
    {
        var env = Runner(
            ("GITHUB_EVENT_NAME", "push"),
            ("GITHUB_REF", "refs/tags/v1.2.3"),
            ("GITHUB_REF_NAME", "v1.2.3"),
            ("GITHUB_REF_TYPE", "tag"));

        var facts = CiEnvironment.Detect(env)!;

        Assert.Equal(("v1.2.3", null), (facts.Tag, facts.Branch));
    }

    [Fact]
    public void GitHubEnterpriseServer_UrlsUseServerUrl()
    {
        var env = Runner(("GITHUB_SERVER_URL", "https://ghe.example.com/"), ("GITHUB_REF", "refs/heads/main"));

        var facts = CiEnvironment.Detect(env)!;

        Assert.Equal("https://ghe.example.com/octo-org/shop/actions/runs/9876543210", facts.RunUrl);
        Assert.Equal("https://ghe.example.com/octo-org/shop", facts.RepositoryUrl);
    }
}
