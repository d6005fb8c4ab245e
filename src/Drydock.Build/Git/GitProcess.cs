using Drydock.Build.Diagnostics;
using Drydock.Processes;

namespace Drydock.Build.Git;

/// <summary>
/// Runs one git command with a bounded time, a fixed locale (so failures can be told apart by their text)
/// and nothing that could wait for a person.
/// </summary>
internal static class GitProcess
{
    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    // Set by git hooks and by callers that point git at a repository explicitly. Drydock reads the repository
    // that contains the project directory, found by git's own discovery (git-rev-parse(1), GIT_DIR in git(1)).
    private static readonly string[] RepositoryLocationVariables =
        ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR", "GIT_PREFIX"];

    public static ProcessResult Run(
        string directory,
        IReadOnlyDictionary<string, string?>? environment,
        CancellationToken cancellationToken,
        params string[] arguments)
    {
        var gitEnvironment = new Dictionary<string, string?>(environment ?? new Dictionary<string, string?>())
        {
            // LC_ALL=C: messages are matched by their English text. No prompts (git(1) GIT_TERMINAL_PROMPT),
            // no index refresh written behind the user's back (GIT_OPTIONAL_LOCKS), no pager.
            ["LC_ALL"] = "C",
            ["GIT_TERMINAL_PROMPT"] = "0",
            ["GIT_OPTIONAL_LOCKS"] = "0",
            ["GIT_PAGER"] = "cat",
        };
        foreach (var name in RepositoryLocationVariables)
        {
            gitEnvironment[name] = null;
        }

        try
        {
            return ProcessRunner.Run("git", arguments, Timeout, cancellationToken, directory, gitEnvironment);
        }
        catch (FileNotFoundException e)
        {
            throw NotFound(e.Message);
        }
        catch (TimeoutException)
        {
            throw new DrydockException(
                KnownCodes.GitFailed,
                $"'git {string.Join(' ', arguments)}' did not finish within {Timeout.TotalSeconds:0} s in '{directory}'; " +
                "check that the repository is not on a hung network drive, or set SourceRevisionId and SOURCE_DATE_EPOCH.");
        }
    }

    private static DrydockException NotFound(string why) =>
        new(
            KnownCodes.GitNotFound,
            $"Drydock reads the revision with git, but {why} Install git and put it on PATH, " +
            "or set SourceRevisionId and SOURCE_DATE_EPOCH to publish without git.");
}
