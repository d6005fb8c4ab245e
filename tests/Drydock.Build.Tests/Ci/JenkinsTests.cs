using Drydock.Build.Ci;

namespace Drydock.Build.Tests.Ci;

public class JenkinsTests
{
    private static Dictionary<string, string> Agent(params (string Key, string Value)[] extra)
    {
        var env = new Dictionary<string, string>
        {
            ["JENKINS_URL"] = "https://ci.example.com/",
            ["BUILD_NUMBER"] = "88",
            ["BUILD_ID"] = "88",
            ["BUILD_URL"] = "https://ci.example.com/job/shop/job/main/88/",
            ["GIT_COMMIT"] = "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee",
        };
        foreach (var (key, value) in extra)
        {
            env[key] = value;
        }

        return env;
    }

    [Fact]
    public void GitPluginJob_OriginStrippedAndCredentialsDropped()
    {
        var env = Agent(("GIT_BRANCH", "origin/feature/x"), ("GIT_URL", "https://builder:hunter2@git.example.com/shop.git"));

        var facts = CiEnvironment.Detect(env)!;

        Assert.Equal("feature/x", facts.Branch);
        Assert.Equal("https://git.example.com/shop", facts.RepositoryUrl);
        Assert.DoesNotContain("hunter2", facts.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void TagJob_TagNoBranch()
    {
        var env = Agent(("BRANCH_NAME", "v1.0.0"), ("TAG_NAME", "v1.0.0"));

        var facts = CiEnvironment.Detect(env)!;

        Assert.Equal(("v1.0.0", null), (facts.Tag, facts.Branch));
    }
}
