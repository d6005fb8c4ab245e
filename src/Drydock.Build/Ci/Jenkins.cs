using System.Text.RegularExpressions;
using Drydock.Build.Git;

namespace Drydock.Build.Ci;

/// <summary>
/// Jenkins core variables (https://www.jenkins.io/doc/book/pipeline/jenkins-file/#using-environment-variables),
/// the Git plugin's GIT_* and the multibranch BRANCH_NAME / CHANGE_* / TAG_NAME variables
/// (https://www.jenkins.io/doc/book/pipeline/multibranch/#additional-environment-variables).
/// </summary>
internal static partial class Jenkins
{
    private const string OriginPrefix = "origin/";

    public static bool IsCurrent(CiVariables env) => env["JENKINS_URL"] is not null;

    public static CiFacts Read(CiVariables env)
    {
        var tag = env["TAG_NAME"];
        var change = env["CHANGE_ID"];
        var branchName = env["BRANCH_NAME"];

        // In a multibranch pull request job BRANCH_NAME is "PR-42" and CHANGE_ID 42; CHANGE_BRANCH is the source
        // branch, CHANGE_TARGET the base. In a tag job BRANCH_NAME is the tag. The Git plugin's GIT_BRANCH is
        // "origin/main". GIT_COMMIT is what was checked out: with the default "merge" strategy, a merge commit.
        var isPullRequest = change is not null || (branchName is not null && PullRequestJob().IsMatch(branchName));
        var branch = tag is not null || isPullRequest ? null
            : branchName ?? StripOrigin(GitRef.BranchOrName(env["GIT_BRANCH"]));

        return new CiFacts(
            CiProvider.Jenkins,
            env["BUILD_NUMBER"] ?? env["BUILD_ID"],
            env["BUILD_URL"],
            change ?? (isPullRequest ? branchName![3..] : null),
            env["GIT_COMMIT"],
            branch,
            tag,
            // GIT_URL is the configured remote and may hold user:password@.
            RemoteUrl.ToPublicHttps(env["GIT_URL"]))
        {
            IsPullRequest = isPullRequest,
            ShaVariable = "GIT_COMMIT",
            PullRequestHeadRef = isPullRequest ? env["CHANGE_BRANCH"] : null,
            PullRequestBaseRef = isPullRequest ? env["CHANGE_TARGET"] : null,
        };
    }

    private static string? StripOrigin(string? branch) =>
        branch is not null && branch.StartsWith(OriginPrefix, StringComparison.Ordinal) ? branch[OriginPrefix.Length..] : branch;

    [GeneratedRegex(@"^PR-[0-9]+\z")]
    private static partial Regex PullRequestJob();
}
