using Drydock.Build.Ci;

namespace Drydock.Build.Tests.Ci;

public class GitLabCiTests
{
    private const string JobToken = "glcbt-64_s3cr3tJobTok3n";

    private static Dictionary<string, string> Runner(params (string Key, string Value)[] extra)
    {
        var env = new Dictionary<string, string>
        {
            ["CI"] = "true",
            ["GITLAB_CI"] = "true",
            ["CI_PIPELINE_ID"] = "1029",
            ["CI_PIPELINE_URL"] = "https://gitlab.example.com/shop/api/-/pipelines/1029",
            ["CI_PROJECT_URL"] = "https://gitlab.example.com/shop/api",
            ["CI_REPOSITORY_URL"] = $"https://gitlab-ci-token:{JobToken}@gitlab.example.com/shop/api.git",
            ["CI_COMMIT_SHA"] = "cccccccccccccccccccccccccccccccccccccccc",
        };
        foreach (var (key, value) in extra)
        {
            env[key] = value;
        }

        return env;
    }

    [Fact]
    public void MergeRequestPipeline_EmptySourceBranchSha_CommitSha()
    {
        var env = Runner(
            ("CI_COMMIT_REF_NAME", "feature/checkout"),
            ("CI_MERGE_REQUEST_IID", "7"),
            ("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME", "feature/checkout"),
            ("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA", ""));

        var facts = CiEnvironment.Detect(env)!;

        Assert.Equal("cccccccccccccccccccccccccccccccccccccccc", facts.Sha);
    }

    [Fact]
    public void BranchPipeline_CommitBranch()
    {
        var env = Runner(("CI_COMMIT_BRANCH", "main"), ("CI_COMMIT_REF_NAME", "main"));

        var facts = CiEnvironment.Detect(env)!;

        Assert.Equal(("main", null, null), (facts.Branch, facts.Tag, facts.PullRequest));
    }

    [Fact]
    public void TagPipeline_TagNoBranch()
    {
        var env = Runner(("CI_COMMIT_TAG", "v2.0.0"), ("CI_COMMIT_REF_NAME", "v2.0.0"));

        var facts = CiEnvironment.Detect(env)!;

        Assert.Equal(("v2.0.0", null), (facts.Tag, facts.Branch));
    }
}
