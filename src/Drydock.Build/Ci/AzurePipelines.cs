using Drydock.Build.Git;
using Drydock.Build.Metadata;

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
        // PullRequestId is the number for Azure Repos.
        var pullRequest = env["SYSTEM_PULLREQUEST_PULLREQUESTNUMBER"]
            ?? env["SYSTEM_PULLREQUEST_PULLREQUESTID"]
            ?? GitRef.PullRequest(sourceBranch);

        // For a pull request Build.SourceVersion is the merge commit; SourceCommitId is its head.
        var sha = (pullRequest is not null ? env["SYSTEM_PULLREQUEST_SOURCECOMMITID"] : null) ?? env["BUILD_SOURCEVERSION"];

        // Build.SourceBranchName is only the last path segment (feature/x gives "x"), so the branch comes
        // from the full ref. SYSTEM_PULLREQUEST_SOURCEBRANCH is a full ref for Azure Repos, a name for GitHub.
        var branch = pullRequest is not null
            ? GitRef.BranchOrName(env["SYSTEM_PULLREQUEST_SOURCEBRANCH"])
            : GitRef.Branch(sourceBranch);

        var buildId = env["BUILD_BUILDID"];
        return new CiFacts(
            CiProvider.AzurePipelines,
            buildId,
            RunUrl(env["SYSTEM_COLLECTIONURI"], env["SYSTEM_TEAMPROJECT"], buildId),
            pullRequest,
            sha,
            branch,
            GitRef.Tag(sourceBranch),
            // Azure Repos puts the organization in the user part (https://org@dev.azure.com/...): stripped.
            RemoteUrl.ToPublicHttps(env["BUILD_REPOSITORY_URI"]));
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
