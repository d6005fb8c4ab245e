using Drydock.Build.Git;

namespace Drydock.Build.Ci;

/// <summary>
/// GitLab CI/CD predefined variables: https://docs.gitlab.com/ci/variables/predefined_variables/
/// Merge request pipelines (https://docs.gitlab.com/ci/pipelines/merge_request_pipelines/), merged results
/// pipelines, and external pull request pipelines (a GitHub repository built by GitLab CI) are pull requests.
/// CI_REPOSITORY_URL is never read: it embeds the job token.
/// </summary>
internal static class GitLabCi
{
    public static bool IsCurrent(CiVariables env) => env.Is("GITLAB_CI", "true");

    public static CiFacts Read(CiVariables env)
    {
        var tag = env["CI_COMMIT_TAG"];
        var mergeRequest = env["CI_MERGE_REQUEST_IID"];
        var external = env["CI_EXTERNAL_PULL_REQUEST_IID"];
        var isPullRequest = mergeRequest is not null || external is not null
            || env["CI_PIPELINE_SOURCE"] is "merge_request_event" or "external_pull_request_event";

        // CI_COMMIT_BRANCH is set only in branch pipelines; CI_COMMIT_REF_NAME is the branch or tag name, or a
        // refs/merge-requests/... ref in merged results pipelines.
        var refName = env["CI_COMMIT_REF_NAME"];
        var branch = isPullRequest || tag is not null ? null
            : env["CI_COMMIT_BRANCH"] ?? (refName is not null && !refName.StartsWith("refs/", StringComparison.Ordinal) ? refName : null);

        // CI_COMMIT_SHA is what the pipeline checked out: the source branch head in a merge request pipeline, the
        // merge result in a merged results pipeline (CI_MERGE_REQUEST_EVENT_TYPE=merged_result), where
        // CI_MERGE_REQUEST_SOURCE_BRANCH_SHA names the head.
        var sha = env["CI_COMMIT_SHA"];
        var mergedResult = env["CI_MERGE_REQUEST_EVENT_TYPE"] is "merged_result" or "merge_train";
        return new CiFacts(
            CiProvider.GitLabCi,
            env["CI_PIPELINE_ID"],
            env["CI_PIPELINE_URL"],
            mergeRequest ?? external,
            sha,
            branch,
            tag,
            RemoteUrl.ToPublicHttps(env["CI_PROJECT_URL"]))
        {
            IsPullRequest = isPullRequest,
            ShaVariable = "CI_COMMIT_SHA",
            PullRequestHeadSha = !isPullRequest ? null
                : env["CI_MERGE_REQUEST_SOURCE_BRANCH_SHA"] ?? env["CI_EXTERNAL_PULL_REQUEST_SOURCE_BRANCH_SHA"] ?? (mergedResult ? null : sha),
            PullRequestMergeSha = isPullRequest && mergedResult ? sha : null,
            PullRequestHeadRef = isPullRequest ? env["CI_MERGE_REQUEST_SOURCE_BRANCH_NAME"] ?? env["CI_EXTERNAL_PULL_REQUEST_SOURCE_BRANCH_NAME"] : null,
            PullRequestBaseRef = isPullRequest ? env["CI_MERGE_REQUEST_TARGET_BRANCH_NAME"] ?? env["CI_EXTERNAL_PULL_REQUEST_TARGET_BRANCH_NAME"] : null,
        };
    }
}
