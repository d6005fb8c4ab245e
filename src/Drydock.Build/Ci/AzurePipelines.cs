using Drydock.Build.Git;

namespace Drydock.Build.Ci;

/// <summary>
/// Azure Pipelines predefined variables (names upper-cased, dots as underscores in the environment):
/// https://learn.microsoft.com/azure/devops/pipelines/build/variables
/// </summary>
internal static class AzurePipelines
{
    public static bool IsCurrent(CiVariables env) => env.Is("TF_BUILD", "True");

    public static CiFacts Read(CiVariables env)
    {
        var sourceBranch = env["BUILD_SOURCEBRANCH"];

        // PullRequestNumber is set for GitHub pull requests whose number differs from their id;
        // PullRequestId is the number for Azure Repos. Build.Reason is PullRequest for both.
        var pullRequest = env["SYSTEM_PULLREQUEST_PULLREQUESTNUMBER"]
            ?? env["SYSTEM_PULLREQUEST_PULLREQUESTID"]
            ?? GitRef.PullRequest(sourceBranch);
        var isPullRequest = pullRequest is not null || env.Is("BUILD_REASON", "PullRequest");

        // For a pull request Build.SourceVersion is the merge commit (refs/pull/N/merge); SourceCommitId is its head.
        var sha = env["BUILD_SOURCEVERSION"];
        var buildId = env["BUILD_BUILDID"];
        return new CiFacts(
            CiProvider.AzurePipelines,
            buildId,
            RunUrl(env["SYSTEM_COLLECTIONURI"], env["SYSTEM_TEAMPROJECT"], buildId),
            pullRequest,
            sha,
            // Build.SourceBranchName is only the last path segment (feature/x gives "x"): the full ref is read.
            isPullRequest ? null : GitRef.Branch(sourceBranch),
            isPullRequest ? null : GitRef.Tag(sourceBranch),
            // Azure Repos puts the organization in the user part (https://org@dev.azure.com/...): stripped.
            RemoteUrl.ToPublicHttps(env["BUILD_REPOSITORY_URI"]))
        {
            IsPullRequest = isPullRequest,
            ShaVariable = "BUILD_SOURCEVERSION",
            PullRequestHeadSha = isPullRequest ? env["SYSTEM_PULLREQUEST_SOURCECOMMITID"] : null,
            PullRequestMergeSha = isPullRequest && GitRef.IsPullRequestMerge(sourceBranch) ? sha : null,
            // SYSTEM_PULLREQUEST_SOURCEBRANCH is a full ref for Azure Repos, a name for GitHub.
            PullRequestHeadRef = isPullRequest ? GitRef.BranchOrName(env["SYSTEM_PULLREQUEST_SOURCEBRANCH"]) : null,
            PullRequestBaseRef = isPullRequest ? GitRef.BranchOrName(env["SYSTEM_PULLREQUEST_TARGETBRANCH"]) : null,
        };
    }

    private static string? RunUrl(string? collection, string? project, string? buildId)
    {
        if (collection is null || project is null || buildId is null)
        {
            return null;
        }

        var root = collection.EndsWith('/') ? collection : collection + "/";
        return $"{root}{Uri.EscapeDataString(project)}/_build/results?buildId={Uri.EscapeDataString(buildId)}";
    }
}
