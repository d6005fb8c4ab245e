using Drydock.Build.Git;
using System.Text.Json;
using Drydock.Build.Diagnostics;
using Drydock.Build.Metadata;

namespace Drydock.Build.Ci;

/// <summary>
/// GitHub Actions default variables:
/// https://docs.github.com/actions/reference/workflows-and-actions/variables#default-environment-variables
/// </summary>
internal static class GitHubActions
{
    public static bool IsCurrent(CiVariables env) => env.Is("GITHUB_ACTIONS", "true");

    public static CiFacts Read(CiVariables env, IBuildLog log)
    {
        var reference = env["GITHUB_REF"];
        var runId = env["GITHUB_RUN_ID"];
        var server = env["GITHUB_SERVER_URL"]?.TrimEnd('/');
        var repository = env["GITHUB_REPOSITORY"];
        var repositoryUrl = server is not null && repository is not null ? $"{server}/{repository}" : null;

        var sha = env["GITHUB_SHA"];
        var pullRequest = GitRef.PullRequest(reference);
        var eventName = env["GITHUB_EVENT_NAME"];
        if (eventName is "pull_request" or "pull_request_target")
        {
            // For pull requests GITHUB_SHA is the merge commit GitHub made with the base branch (or, for
            // pull_request_target, the base branch's head): neither is the commit under review, and the
            // merge commit is gone once the run ends. The event payload names the head commit.
            var payload = ReadPullRequest(env["GITHUB_EVENT_PATH"], log);
            if (payload.HeadSha is not null)
            {
                log.Detail($"Drydock: CI sha={payload.HeadSha} (from pull_request.head.sha in GITHUB_EVENT_PATH, instead of GITHUB_SHA={sha})");
                sha = payload.HeadSha;
            }

            pullRequest ??= payload.Number;
        }

        // GITHUB_HEAD_REF is the source branch, set only for pull request events.
        var branch = env["GITHUB_HEAD_REF"] ?? GitRef.Branch(reference);
        return new CiFacts(
            CiProvider.GitHubActions,
            runId,
            repositoryUrl is not null && runId is not null ? $"{repositoryUrl}/actions/runs/{runId}" : null,
            pullRequest,
            sha,
            branch,
            GitRef.Tag(reference),
            RemoteUrl.ToPublicHttps(repositoryUrl));
    }

    private static (string? HeadSha, string? Number) ReadPullRequest(string? eventPath, IBuildLog log)
    {
        if (eventPath is null)
        {
            return (null, null);
        }

        try
        {
            using var stream = File.OpenRead(eventPath);
            using var document = JsonDocument.Parse(stream);
            if (!document.RootElement.TryGetProperty("pull_request", out var pullRequest)
                || pullRequest.ValueKind != JsonValueKind.Object)
            {
                return (null, null);
            }

            var headSha = pullRequest.TryGetProperty("head", out var head)
                && head.ValueKind == JsonValueKind.Object
                && head.TryGetProperty("sha", out var shaElement)
                && shaElement.ValueKind == JsonValueKind.String
                ? shaElement.GetString()
                : null;
            var number = pullRequest.TryGetProperty("number", out var numberElement)
                && numberElement.ValueKind == JsonValueKind.Number
                ? numberElement.GetRawText()
                : null;
            return (string.IsNullOrWhiteSpace(headSha) ? null : headSha, number);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            log.Warning(
                KnownCodes.CiEventUnreadable,
                $"the GitHub event payload named by GITHUB_EVENT_PATH could not be read ({e.GetType().Name}), so the revision is the pull request's merge commit GITHUB_SHA; set SourceRevisionId to the head commit to label it instead.");
            return (null, null);
        }
    }
}
