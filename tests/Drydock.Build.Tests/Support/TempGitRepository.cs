using System.Diagnostics;
using Drydock.Build.Diagnostics;
using Drydock.Build.Git;

namespace Drydock.Build.Tests.Support;

/// <summary>
/// A git repository in its own temp folder (<see cref="Sandbox"/>), with identity, dates and config fixed per
/// repository so that nothing of the machine's git config or time leaks in. Deleted on Dispose.
/// </summary>
internal sealed class TempGitRepository : IDisposable
{
    /// <summary>Committer and author date of every commit unless a test says otherwise.</summary>
    public static readonly DateTimeOffset DefaultCommitTime = new(2024, 5, 6, 7, 8, 9, TimeSpan.Zero);

    private readonly Dictionary<string, string?> environment;

    private TempGitRepository(string sandbox)
    {
        Sandbox = sandbox;
        Path = System.IO.Path.Combine(sandbox, "repo");
        GlobalConfig = System.IO.Path.Combine(sandbox, "global.gitconfig");
        File.WriteAllText(GlobalConfig, "");
        environment = new Dictionary<string, string?>
        {
            // git-config(1): no system config, and a global config of the test's own.
            ["GIT_CONFIG_NOSYSTEM"] = "1",
            ["GIT_CONFIG_GLOBAL"] = GlobalConfig,
            // git(1): discovery stops below the sandbox, whatever repository the temp folder is in.
            ["GIT_CEILING_DIRECTORIES"] = sandbox,
            ["HOME"] = sandbox,
            ["XDG_CONFIG_HOME"] = sandbox,
            ["LC_ALL"] = "C",
        };
    }

    /// <summary>The test's temp folder; the repository, clones and worktrees go inside it.</summary>
    public string Sandbox { get; }

    /// <summary>The work tree of the repository.</summary>
    public string Path { get; }

    /// <summary>The global git config the test's git processes (and <see cref="Read"/>) use.</summary>
    public string GlobalConfig { get; }

    /// <summary>The environment for git processes: hermetic config, ceiling at the sandbox.</summary>
    public IReadOnlyDictionary<string, string?> Environment => environment;

    /// <summary><c>git init -b main</c> plus <paramref name="initArguments"/>, with a per-repository identity.</summary>
    public static TempGitRepository Init(params string[] initArguments)
    {
        var sandbox = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "drydock-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(sandbox);
        var repository = new TempGitRepository(sandbox);
        repository.GitIn(sandbox, ["init", "-q", "-b", "main", .. initArguments, repository.Path]);
        repository.Configure(repository.Path);
        return repository;
    }

    /// <summary>Identity and no signing, in the repository's own config.</summary>
    public void Configure(string workTree)
    {
        GitIn(workTree, "config", "user.name", "Drydock Tests");
        GitIn(workTree, "config", "user.email", "tests@drydock.invalid");
        GitIn(workTree, "config", "commit.gpgsign", "false");
        GitIn(workTree, "config", "tag.gpgsign", "false");
    }

    /// <summary>Reads the facts of <paramref name="directory"/> (default: the work tree) in this test's environment.</summary>
    public GitFacts Read(IBuildLog log, string? directory = null) =>
        GitRepository.Read(directory ?? Path, log, Environment);

    public string Git(params string[] arguments) => GitIn(Path, arguments);

    /// <summary>Runs git in <paramref name="directory"/> and returns its trimmed output; fails the test when git fails.</summary>
    public string GitIn(string directory, params string[] arguments) =>
        GitIn(directory, DefaultCommitTime, arguments);

    public void WriteFile(string relativePath, string content, string? workTree = null)
    {
        var path = System.IO.Path.Combine(workTree ?? Path, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    /// <summary>Writes a file, stages everything and commits it at <paramref name="time"/>; returns the new HEAD.</summary>
    public string Commit(string message, DateTimeOffset? time = null, string? workTree = null)
    {
        workTree ??= Path;
        WriteFile($"{message.Replace(' ', '-')}.txt", message, workTree);
        GitIn(workTree, "add", "-A");
        GitIn(workTree, time ?? DefaultCommitTime, ["commit", "-q", "-m", message]);
        return GitIn(workTree, "rev-parse", "HEAD");
    }

    public void Dispose()
    {
        // git makes object files read-only; Windows will not delete those.
        foreach (var file in Directory.EnumerateFiles(Sandbox, "*", SearchOption.AllDirectories))
        {
            File.SetAttributes(file, FileAttributes.Normal);
        }

        Directory.Delete(Sandbox, recursive: true);
    }

    private string GitIn(string directory, DateTimeOffset time, string[] arguments)
    {
        var startInfo = new ProcessStartInfo("git")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        var date = time.ToUnixTimeSeconds() + " +0000";
        startInfo.Environment["GIT_AUTHOR_DATE"] = date;
        startInfo.Environment["GIT_COMMITTER_DATE"] = date;
        using var process = Process.Start(startInfo)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed in {directory}: {error.Result}");
        }

        return output.Trim();
    }
}
