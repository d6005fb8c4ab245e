using Drydock.Build.Git;
using Drydock.Build.Metadata;

namespace Drydock.Build.Ci;

/// <summary>
/// GitLab CI/CD predefined variables: https://docs.gitlab.com/ci/variables/predefined_variables/
/// CI_REPOSITORY_URL is never read: it embeds the job token.
/// </summary>
internal static class GitLabCi
{
    public static bool IsCurrent(CiVariables env) => env.Is("GITLAB_CI", "true");

    public static CiFacts Read(CiVariables env)
    {
        var tag = env["CI_COMMIT_TAG"];
        var mergeRequest = env["CI_MERGE_REQUEST_IID"];

        // CI_COMMIT_BRANCH is unset in merge request and tag pipelines; CI_COMMIT_REF_NAME is the branch or
        // tag name, or a refs/merge-requests/... ref in merged-results pipelines.
        var refName = env["CI_COMMIT_REF_NAME"];
        var branch = env["CI_MERGE_REQUEST_SOURCE_BRANCH_NAME"]
            ?? env["CI_COMMIT_BRANCH"]
            ?? (tag is null && mergeRequest is null && refName is not null && !refName.StartsWith("refs/", StringComparison.Ordinal) ? refName : null);

        // In merged-results pipelines CI_COMMIT_SHA is the merge commit; the source branch SHA is the head.
        var sha = env["CI_MERGE_REQUEST_SOURCE_BRANCH_SHA"] ?? env["CI_COMMIT_SHA"];

        return new CiFacts(
            CiProvider.GitLabCi,
            env["CI_PIPELINE_ID"],
            env["CI_PIPELINE_URL"],
            mergeRequest,
            sha,
            branch,
            tag,
            RemoteUrl.ToPublicHttps(env["CI_PROJECT_URL"]));
    }
}
