using Drydock.Build.Git;
using Drydock.Build.Metadata;

namespace Drydock.Build.Ci;

/// <summary>
/// Jenkins core variables (https://www.jenkins.io/doc/book/pipeline/jenkins-file/#using-environment-variables),
/// the Git plugin's GIT_* and the multibranch BRANCH_NAME / CHANGE_* / TAG_NAME variables.
/// </summary>
internal static class Jenkins
{
    private const string OriginPrefix = "origin/";

    public static bool IsCurrent(CiVariables env) => env["JENKINS_URL"] is not null;

    public static CiFacts Read(CiVariables env)
    {
        var tag = env["TAG_NAME"];
        var change = env["CHANGE_ID"];

        // In a multibranch pull request job BRANCH_NAME is "PR-42"; CHANGE_BRANCH is the source branch.
        // In a tag job BRANCH_NAME is the tag. The Git plugin's GIT_BRANCH is "origin/main".
        var branch = tag is not null ? null
            : change is not null ? env["CHANGE_BRANCH"]
            : env["BRANCH_NAME"] ?? StripOrigin(GitRef.BranchOrName(env["GIT_BRANCH"]));

        return new CiFacts(
            CiProvider.Jenkins,
            env["BUILD_NUMBER"] ?? env["BUILD_ID"],
            env["BUILD_URL"],
            change,
            env["GIT_COMMIT"],
            branch,
            tag,
            // GIT_URL is the configured remote and may hold user:password@.
            RemoteUrl.ToPublicHttps(env["GIT_URL"]));
    }

    private static string? StripOrigin(string? branch) =>
        branch is not null && branch.StartsWith(OriginPrefix, StringComparison.Ordinal) ? branch[OriginPrefix.Length..] : branch;
}
