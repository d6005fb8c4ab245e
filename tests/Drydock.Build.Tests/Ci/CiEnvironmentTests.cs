using Drydock.Build.Ci;

namespace Drydock.Build.Tests.Ci;

public class CiEnvironmentTests
{
    [Fact]
    public void Detect_NoCiVariables_Null()
    {
        var env = new Dictionary<string, string> { ["PATH"] = "/usr/bin", ["HOME"] = "/root" };

        Assert.Null(CiEnvironment.Detect(env));
    }

    [Theory]
    [InlineData("GITHUB_ACTIONS", "false")]
    [InlineData("GITHUB_ACTIONS", "")]
    [InlineData("TF_BUILD", "")]
    [InlineData("GITLAB_CI", "  ")]
    [InlineData("JENKINS_URL", "")]
    public void Detect_MarkerNotTrueOrEmpty_Null(string key, string value)
    {
        Assert.Null(CiEnvironment.Detect(new Dictionary<string, string> { [key] = value }));
    }

    [Fact]
    public void Detect_GitHubRunnerWithJenkinsUrlAround_GitHub()
    {
        var env = new Dictionary<string, string> { ["JENKINS_URL"] = "https://ci.example.com/", ["GITHUB_ACTIONS"] = "true" };

        Assert.Equal(CiProvider.GitHubActions, CiEnvironment.Detect(env)!.Provider);
    }

    [Fact]
    public void Detect_TfBuildAnyCase_AzurePipelines()
    {
        var env = new Dictionary<string, string> { ["TF_BUILD"] = "true" };

        Assert.Equal(CiProvider.AzurePipelines, CiEnvironment.Detect(env)!.Provider);
    }
}
