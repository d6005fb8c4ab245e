using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using Drydock.Build.Diagnostics;

namespace Drydock.Build.Git;

internal sealed record GitResult(int ExitCode, string Output, string Error);

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

    public static GitResult Run(
        string directory,
        IReadOnlyDictionary<string, string?>? environment,
        CancellationToken cancellationToken,
        params string[] arguments)
    {
        var startInfo = new ProcessStartInfo
        {
            WorkingDirectory = directory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            startInfo.Environment[name] = value;
        }

        foreach (var name in RepositoryLocationVariables)
        {
            startInfo.Environment.Remove(name);
        }

        // LC_ALL=C: messages are matched by their English text. No prompts (git(1) GIT_TERMINAL_PROMPT),
        // no index refresh written behind the user's back (GIT_OPTIONAL_LOCKS), no pager.
        startInfo.Environment["LC_ALL"] = "C";
        startInfo.Environment["GIT_TERMINAL_PROMPT"] = "0";
        startInfo.Environment["GIT_OPTIONAL_LOCKS"] = "0";
        startInfo.Environment["GIT_PAGER"] = "cat";

        // Process.Start would search this process's PATH; the git processes' PATH is the one that counts.
        startInfo.FileName = FindOnPath(startInfo.Environment.TryGetValue("PATH", out var path) ? path : null)
            ?? throw NotFound("it is not on PATH");

        Process process;
        try
        {
            process = Process.Start(startInfo)!;
        }
        catch (Win32Exception exception)
        {
            throw NotFound($"'{startInfo.FileName}' could not be started ({exception.Message})");
        }

        using (process)
        {
            process.StandardInput.Close();
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(Timeout);
            var output = process.StandardOutput.ReadToEndAsync(deadline.Token);
            var error = process.StandardError.ReadToEndAsync(deadline.Token);
            try
            {
                Task.WhenAll(output, error, process.WaitForExitAsync(deadline.Token))
                    .WaitAsync(deadline.Token)
                    .GetAwaiter()
                    .GetResult();
            }
            catch (OperationCanceledException)
            {
                Kill(process);
                cancellationToken.ThrowIfCancellationRequested();
                throw new DrydockException(
                    KnownCodes.GitFailed,
                    $"'git {string.Join(' ', arguments)}' did not finish within {Timeout.TotalSeconds:0} s in '{directory}'; " +
                    "check that the repository is not on a hung network drive, or set SourceRevisionId and SOURCE_DATE_EPOCH.");
            }

            return new GitResult(process.ExitCode, output.Result, error.Result);
        }
    }

    private static DrydockException NotFound(string why) =>
        new(
            KnownCodes.GitNotFound,
            $"Drydock reads the revision with git, but {why}; install git and put it on PATH, " +
            "or set SourceRevisionId and SOURCE_DATE_EPOCH to publish without git.");

    private static string? FindOnPath(string? path)
    {
        var name = OperatingSystem.IsWindows() ? "git.exe" : "git";
        foreach (var directory in (path ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            // Windows PATH entries may be quoted.
            var candidate = Path.Combine(directory.Trim('"'), name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static void Kill(Process process)
    {
        try
        {
            // git may have started children (an fsmonitor, a wrapper script's git); leave none behind.
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited meanwhile.
        }
    }
}
