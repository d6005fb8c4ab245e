using Drydock.Build.Diagnostics;

namespace Drydock.Build.Ci;

/// <summary>
/// Recognizes the CI system from environment variables the caller passes in (so tests and tasks
/// decide what the environment is) and reads what it says about the build.
/// </summary>
public static class CiEnvironment
{
    /// <summary>The CI facts, or <see langword="null"/> when no known CI system is running.</summary>
    public static CiFacts? Detect(IReadOnlyDictionary<string, string> environment, IBuildLog? log = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        log ??= NullBuildLog.Instance;
        var env = new CiVariables(environment);

        // Checked from most to least specific marker: JENKINS_URL is a plain URL that a GitHub or
        // GitLab job could carry around, the others are set only by their own runners.
        var facts = GitHubActions.IsCurrent(env) ? GitHubActions.Read(env, log)
            : AzurePipelines.IsCurrent(env) ? AzurePipelines.Read(env)
            : GitLabCi.IsCurrent(env) ? GitLabCi.Read(env)
            : Jenkins.IsCurrent(env) ? Jenkins.Read(env)
            : null;

        if (facts is null)
        {
            log.Detail("Drydock: CI=none (no GITHUB_ACTIONS, TF_BUILD, GITLAB_CI or JENKINS_URL)");
        }
        else
        {
            log.Detail($"Drydock: CI={facts.Provider} run={facts.RunId} sha={facts.Sha} branch={facts.Branch} tag={facts.Tag} pr={(facts.IsPullRequest ? facts.PullRequest ?? "unknown" : "")} pr.head={facts.PullRequestHeadSha} pr.merge={facts.PullRequestMergeSha} pr.head-ref={facts.PullRequestHeadRef} pr.base-ref={facts.PullRequestBaseRef} repository={facts.RepositoryUrl}");
        }

        return facts;
    }
}
