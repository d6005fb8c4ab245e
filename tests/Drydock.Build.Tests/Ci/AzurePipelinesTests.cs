using Drydock.Build.Ci;

namespace Drydock.Build.Tests.Ci;

public class AzurePipelinesTests
{
    private static Dictionary<string, string> Agent(params (string Key, string Value)[] extra)
    {
        var env = new Dictionary<string, string>
        {
            ["TF_BUILD"] = "True",
            ["BUILD_BUILDID"] = "4711",
            ["SYSTEM_COLLECTIONURI"] = "https://dev.azure.com/contoso/",
            ["SYSTEM_TEAMPROJECT"] = "Shop Platform",
            ["BUILD_SOURCEVERSION"] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            ["BUILD_REPOSITORY_URI"] = "https://contoso@dev.azure.com/contoso/Shop%20Platform/_git/shop",
        };
        foreach (var (key, value) in extra)
        {
            env[key] = value;
        }

        return env;
    }

    [Fact]
    public void BranchBuild_FullBranchNotLastSegment()
    {
        var env = Agent(("BUILD_SOURCEBRANCH", "refs/heads/release/2.0"), ("BUILD_SOURCEBRANCHNAME", "2.0"));

        var facts = CiEnvironment.Detect(env)!;

        Assert.Equal(("release/2.0", null, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), (facts.Branch, facts.PullRequest, facts.Sha));
    }

    [Fact]
    public void TagBuild_TagNoBranch()
    {
        var env = Agent(("BUILD_SOURCEBRANCH", "refs/tags/v3.1.0"), ("BUILD_SOURCEBRANCHNAME", "v3.1.0"));

        var facts = CiEnvironment.Detect(env)!;

        Assert.Equal(("v3.1.0", null), (facts.Tag, facts.Branch));
    }
}
