namespace Drydock.Build.Ci;

/// <summary>The provider names written to <c>io.drydock.ci.provider</c>; stable, lowercase.</summary>
public static class CiProvider
{
    public const string GitHubActions = "github-actions";
    public const string AzurePipelines = "azure-pipelines";
    public const string GitLabCi = "gitlab-ci";
    public const string Jenkins = "jenkins";
}
