using System.Globalization;
using Drydock.Build.Diagnostics;
using Drydock.Processes;

namespace Drydock.Build.Git;

/// <summary>
/// Reads <see cref="GitFacts"/> through the git CLI, so that every repository layout git knows (worktrees,
/// <c>.git</c> files, packed refs, reftable, SHA-256, shallow clones) is read the way git reads it.
/// </summary>
public static class GitRepository
{
    private const string Fallback = "set SourceRevisionId and SOURCE_DATE_EPOCH, or publish from a git clone";

    /// <summary>Finds the repository containing <paramref name="directory"/> and reads its facts.</summary>
    /// <exception cref="DrydockException">No repository, no git, or a repository git cannot read.</exception>
    public static GitFacts Read(string directory, IBuildLog log, CancellationToken cancellationToken = default) =>
        Read(directory, log, environment: null, cancellationToken);

    /// <summary>
    /// Like <see cref="Read(string, IBuildLog, CancellationToken)"/>, with <paramref name="environment"/> laid over this
    /// process's environment for the git processes (a null value removes a variable), like MSBuild's
    /// <c>ToolTask.EnvironmentVariables</c>. git is looked up on the resulting PATH.
    /// </summary>
    public static GitFacts Read(
        string directory,
        IBuildLog log,
        IReadOnlyDictionary<string, string?>? environment,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(log);
        if (!Directory.Exists(directory))
        {
            throw new DrydockException(KnownCodes.NoRepository, $"No git repository at '{directory}': the directory does not exist; {Fallback}.");
        }

        string[] Git(params string[] arguments)
        {
            var result = GitProcess.Run(directory, environment, cancellationToken, arguments);
            return result.ExitCode == 0
                ? result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                : throw Failure(directory, arguments, result);
        }

        // --symbolic-full-name HEAD prints refs/heads/<branch>, or HEAD when it is detached (git-rev-parse(1)).
        var location = Git("rev-parse", "--show-toplevel", "--is-shallow-repository", "--symbolic-full-name", "HEAD");
        var root = Path.GetFullPath(location[0]);
        var isShallow = location[1] == "true";
        var branch = location[2].StartsWith("refs/heads/", StringComparison.Ordinal) ? location[2]["refs/heads/".Length..] : null;

        // The user's config must not change what git prints: log.showSignature adds lines, column.ui joins tags.
        var head = Git("log", "-1", "--no-show-signature", "--format=%H %ct")[0].Split(' ');
        var sha = head[0];
        var commitTime = DateTimeOffset.FromUnixTimeSeconds(long.Parse(head[1], CultureInfo.InvariantCulture));

        // Untracked files do not count: bin/ and obj/ of an unignored project would make every publish dirty.
        var isDirty = Git("status", "--porcelain", "--untracked-files=no").Length > 0;

        var (remoteName, remoteUrl) = PublicRemote(Git("remote", "-v"));
        var tags = Git("tag", "--no-column", "--points-at", "HEAD");

        var facts = new GitFacts(root, sha, sha[..7], branch, isDirty, commitTime, remoteUrl, tags, isShallow);
        log.Detail($"Drydock: git repository={root}");
        log.Detail($"Drydock: revision={sha} (from git)");
        log.Detail($"Drydock: branch={branch ?? "(none: detached HEAD)"} (from git)");
        log.Detail($"Drydock: dirty={(isDirty ? "true" : "false")} (from git status, untracked files ignored)");
        log.Detail($"Drydock: commit time={commitTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)} (from git)");
        log.Detail(remoteName is null
            ? "Drydock: source=(none: no remote with a public URL)"
            : $"Drydock: source={remoteUrl} (from git remote '{remoteName}')");
        log.Detail($"Drydock: tags at HEAD={(tags.Length == 0 ? "(none)" : string.Join(", ", tags))} (from git)");
        if (isShallow)
        {
            log.Warning(
                KnownCodes.ShallowClone,
                $"'{root}' is a shallow clone: the revision and commit time are right, but version tags below HEAD may be missing; fetch with fetch-depth: 0 for version tags.");
        }

        return facts;
    }

    /// <summary>origin, else the first remote git lists; a remote without a public URL (a local path) gives none.</summary>
    private static (string? Name, string? Url) PublicRemote(string[] remotes)
    {
        // git remote -v: "<name>\t<url> (fetch)" and "<name>\t<url> (push)" per remote, sorted by name.
        var fetch = remotes
            .Where(line => line.EndsWith(" (fetch)", StringComparison.Ordinal) && line.Contains('\t', StringComparison.Ordinal))
            .Select(line => (Name: line[..line.IndexOf('\t', StringComparison.Ordinal)], Url: line[(line.IndexOf('\t', StringComparison.Ordinal) + 1)..^" (fetch)".Length]))
            .ToList();
        var chosen = fetch.FirstOrDefault(remote => remote.Name == "origin");
        if (chosen.Name is null && fetch.Count > 0)
        {
            chosen = fetch[0];
        }

        var url = RemoteUrl.ToPublicHttps(chosen.Url);
        return url is null ? (null, null) : (chosen.Name, url);
    }

    private static DrydockException Failure(string directory, string[] arguments, ProcessResult result)
    {
        var error = RemoteUrl.Scrub(result.StandardError);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (error.Contains("not a git repository", StringComparison.OrdinalIgnoreCase))
        {
            return new(KnownCodes.NoRepository, $"No git repository at or above '{directory}'; {Fallback}.");
        }

        if (error.Contains("detected dubious ownership", StringComparison.OrdinalIgnoreCase))
        {
            // "fatal: detected dubious ownership in repository at '<path>'" (git-config(1), safe.directory).
            var line = lines.First(l => l.Contains("dubious ownership", StringComparison.OrdinalIgnoreCase));
            var start = line.IndexOf('\'', StringComparison.Ordinal);
            var path = start >= 0 && line.EndsWith('\'') ? line[(start + 1)..^1] : directory;
            var argument = path.Any(char.IsWhiteSpace) ? $"\"{path}\"" : path;
            return new(
                KnownCodes.UnsafeRepository,
                $"git refuses the repository at '{path}' because another user owns it; if you trust it, run: git config --global --add safe.directory {argument}");
        }

        if (error.Contains("repository extension", StringComparison.OrdinalIgnoreCase)
            || error.Contains("repo version", StringComparison.OrdinalIgnoreCase))
        {
            // git 2.39: "unknown repository extension found:" or "Expected git repo version <= 1, found 2"; later
            // gits also "repo version is 0, but v1-only extension found:". Names follow, one "\t<name>" line each.
            var names = lines.SkipWhile(l => !l.EndsWith("found:", StringComparison.Ordinal))
                .Skip(1)
                .TakeWhile(l => !l.Contains(':', StringComparison.Ordinal))
                .ToList();
            var what = names.Count > 0
                ? $"uses the repository extension(s) {string.Join(", ", names)}"
                : $"has a repository format ({StripSeverity(lines.FirstOrDefault(l => l.Contains("repo version", StringComparison.OrdinalIgnoreCase)) ?? lines[0])})";
            return new(
                KnownCodes.UnsupportedRepository,
                $"The git repository at '{directory}' {what}, which this git cannot read; upgrade git, or {Fallback}.");
        }

        if (error.Contains("does not have any commits yet", StringComparison.OrdinalIgnoreCase)
            || error.Contains("ambiguous argument 'HEAD'", StringComparison.OrdinalIgnoreCase))
        {
            return new(KnownCodes.NoCommit, $"The git repository at or above '{directory}' has no commit yet; commit once, or {Fallback}.");
        }

        var first = lines.Length > 0 ? StripSeverity(lines[0]) : "no error output";
        return new(
            KnownCodes.GitFailed,
            $"'git {string.Join(' ', arguments)}' failed in '{directory}' with exit code {result.ExitCode}: {first}; run it there to see why, or {Fallback}.");
    }

    private static string StripSeverity(string line)
    {
        foreach (var prefix in new[] { "fatal: ", "error: " })
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return line[prefix.Length..];
            }
        }

        return line;
    }
}
