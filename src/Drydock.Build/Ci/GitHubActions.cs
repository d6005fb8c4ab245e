using Drydock.Build.Git;
using System.Text.Json;
using Drydock.Build.Diagnostics;

namespace Drydock.Build.Ci;

/// <summary>
/// GitHub Actions default variables
/// (https://docs.github.com/actions/reference/workflows-and-actions/variables#default-environment-variables)
/// and the event payload at <c>GITHUB_EVENT_PATH</c>
/// (https://docs.github.com/actions/reference/workflows-and-actions/events-that-trigger-workflows).
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
        var eventName = env["GITHUB_EVENT_NAME"];

        // Every pull_request* event (pull_request, pull_request_target, pull_request_review, …) carries the
        // pull request in its payload. Under pull_request GITHUB_REF is refs/pull/N/merge and GITHUB_SHA the
        // merge commit; under pull_request_target GITHUB_REF is the *base* branch (refs/heads/main) and
        // GITHUB_SHA its head, so a fork's PR from a branch named "main" must never read as a main build.
        var pullRequestEvent = eventName is not null && eventName.StartsWith("pull_request", StringComparison.Ordinal);
        var payload = pullRequestEvent ? ReadPullRequest(env["GITHUB_EVENT_PATH"], log) : default;
        var pullRequest = GitRef.PullRequest(reference) ?? payload.Number;
        var isPullRequest = pullRequestEvent || pullRequest is not null;

        // A merge queue builds a temporary branch (refs/heads/gh-readonly-queue/<base>/pr-<n>-<sha>) that is
        // deleted afterwards: no branch tag for it.
        var mergeQueue = eventName == "merge_group";

        return new CiFacts(
            CiProvider.GitHubActions,
            runId,
            repositoryUrl is not null && runId is not null ? $"{repositoryUrl}/actions/runs/{runId}" : null,
            pullRequest,
            sha,
            isPullRequest || mergeQueue ? null : GitRef.Branch(reference),
            isPullRequest ? null : GitRef.Tag(reference),
            RemoteUrl.ToPublicHttps(repositoryUrl))
        {
            IsPullRequest = isPullRequest,
            ShaVariable = "GITHUB_SHA",
            PullRequestHeadSha = isPullRequest ? payload.HeadSha : null,
            PullRequestMergeSha = eventName == "pull_request" && GitRef.IsPullRequestMerge(reference) ? sha : null,
            PullRequestHeadRef = isPullRequest ? env["GITHUB_HEAD_REF"] ?? payload.HeadRef : null,
            PullRequestBaseRef = isPullRequest ? env["GITHUB_BASE_REF"] ?? payload.BaseRef : null,
        };
    }

    private static PullRequestPayload ReadPullRequest(string? eventPath, IBuildLog log)
    {
        if (eventPath is null)
        {
            return default;
        }

        try
        {
            using var stream = File.OpenRead(eventPath);
            using var document = JsonDocument.Parse(stream);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("pull_request", out var pullRequest)
                || pullRequest.ValueKind != JsonValueKind.Object)
            {
                return default;
            }

            var number = pullRequest.TryGetProperty("number", out var numberElement) && numberElement.ValueKind == JsonValueKind.Number
                ? numberElement.GetRawText()
                : null;
            return new PullRequestPayload(
                number is not null && number.All(char.IsAsciiDigit) ? number : null,
                String(pullRequest, "head", "sha"),
                String(pullRequest, "head", "ref"),
                String(pullRequest, "base", "ref"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            log.Warning(
                KnownCodes.CiEventUnreadable,
                $"the GitHub event payload named by GITHUB_EVENT_PATH could not be read ({e.GetType().Name}), so the pull request's number and head commit are not recorded; the revision is git HEAD either way.");
            return default;
        }
    }

    private static string? String(JsonElement pullRequest, string side, string name) =>
        pullRequest.TryGetProperty(side, out var element)
        && element.ValueKind == JsonValueKind.Object
        && element.TryGetProperty(name, out var value)
        && value.ValueKind == JsonValueKind.String
        && !string.IsNullOrWhiteSpace(value.GetString())
            ? value.GetString()
            : null;

    private readonly record struct PullRequestPayload(string? Number, string? HeadSha, string? HeadRef, string? BaseRef);
}
