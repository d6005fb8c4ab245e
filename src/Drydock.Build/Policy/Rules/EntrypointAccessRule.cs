using System.Formats.Tar;
using Drydock.Build.Diagnostics;

namespace Drydock.Build.Policy.Rules;

/// <summary>
/// The image's user must be able to reach and run what the image starts, or the container dies at once
/// with "permission denied" (seen: a base layer whose <c>./</c> is 0700 under Docker's vfs driver). Walks,
/// for the uid and groups <c>config.User</c> resolves to, every directory on the way (the root directory
/// too, and symbolic links followed) to: the working directory (search), the program
/// (<c>Entrypoint</c>/<c>Cmd</c>, looked up in <c>PATH</c> like execvp: search on its directories,
/// execute on it, read too when it is a <c>#!</c> script), and what .NET then opens: for
/// <c>dotnet app.dll</c> the app's dll, runtimeconfig and deps files (read) and the host's
/// <c>host/fxr</c> and <c>shared/*</c> directories (read and search: hostfxr lists them to pick a
/// version); for an apphost the dll beside it. Root passes every check and is DRY4001's business.
/// </summary>
internal sealed class EntrypointAccessRule : ILintRule
{
    /// <summary>runc's PATH when the image sets none.</summary>
    private const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>Linux's limit on symbolic links followed in one lookup (ELOOP).</summary>
    private const int MaxSymlinks = 40;

    private const UnixFileMode Read = UnixFileMode.OtherRead;
    private const UnixFileMode Search = UnixFileMode.OtherExecute;

    public IEnumerable<Finding> Check(LintSubject image)
    {
        var command = image.Command;
        if (command.Count == 0
            || UserIdentity.Resolve(image.User, image.Files.Passwd, image.Files.Group) is not { IsRoot: false } user)
        {
            return [];
        }

        var walk = new Walk(image.Files, user);
        var workingDirectory = string.IsNullOrWhiteSpace(image.WorkingDir) ? "/" : image.WorkingDir;
        walk.Require(workingDirectory, Search, "the working directory", missingIsFine: true);

        if (walk.FindProgram(command[0], workingDirectory, image.EnvValue("PATH") ?? DefaultPath) is var (path, program))
        {
            walk.Require(path, program.File.IsScript ? Search | Read : Search, "the entrypoint");
            foreach (var (needed, what, mode) in WhatDotnetOpens(image.Files, program, command, workingDirectory))
            {
                walk.Require(needed, mode, what, missingIsFine: true);
            }
        }

        return walk.Findings();
    }

    /// <summary>The files and directories the .NET host reads after exec, when the program is <c>dotnet</c> or an apphost.</summary>
    private static IEnumerable<(string Path, string What, UnixFileMode Mode)> WhatDotnetOpens(ImageFileSystem files, Resolved program, IReadOnlyList<string> command, string workingDirectory)
    {
        string? appDll;
        if (program.File.Name == "dotnet")
        {
            var root = Parent(program.Path);
            yield return (root + "/host/fxr", "the .NET host's hostfxr directory", Read | Search);
            var shared = root + "/shared";
            foreach (var framework in files.Files.Values.Where(f => f.Type == TarEntryType.Directory
                && (Parent("/" + f.Path) == shared || Parent(Parent("/" + f.Path)) == shared)))
            {
                yield return ("/" + framework.Path, "a shared framework directory", Read | Search);
            }

            appDll = command.Skip(1).FirstOrDefault(argument => argument.EndsWith(".dll", StringComparison.OrdinalIgnoreCase));
            appDll = appDll is null ? null : Absolute(appDll, workingDirectory);
        }
        else
        {
            appDll = program.Path + ".dll"; // An apphost runs the dll of its own name, when there is one.
        }

        if (appDll is not null)
        {
            var stem = appDll[..^".dll".Length];
            yield return (appDll, "the app's assembly", Read);
            yield return (stem + ".runtimeconfig.json", "the app's runtimeconfig.json", Read);
            yield return (stem + ".deps.json", "the app's deps.json", Read);
        }
    }

    private static string Absolute(string path, string workingDirectory) =>
        path.StartsWith('/') ? path : workingDirectory.TrimEnd('/') + "/" + path;

    private static string Parent(string path) => path[..Math.Max(0, path.LastIndexOf('/'))];

    /// <summary>A path looked up to its final entry: the absolute path with links followed, and the entry.</summary>
    private sealed record Resolved(string Path, ImageFile File);

    /// <summary>Path lookups in the image's final file system as one user, collecting what blocks them.</summary>
    private sealed class Walk(ImageFileSystem files, ProcessUser user)
    {
        /// <summary>Directories no entry names but a deeper path needs: the runtime creates them 0755, root-owned.</summary>
        private readonly HashSet<string> implicitDirectories = files.Files.Keys.SelectMany(Ancestors).ToHashSet(StringComparer.Ordinal);

        /// <summary>Directories this user cannot search, each with what it blocks, in the order met.</summary>
        private readonly List<(ImageFile Directory, string Path, List<string> Blocks)> blocked = [];

        private List<Finding> Problems { get; } = [];

        /// <summary>One finding per blocking directory (naming everything it blocks), then the files' own problems.</summary>
        public IEnumerable<Finding> Findings() =>
            blocked.Select(b => Blocked(b.Directory, b.Path, $"search (x) permission on '{b.Path}', which it needs to reach {string.Join(", ", b.Blocks)}"))
                .Concat(Problems)
                .Distinct();

        /// <summary>
        /// execvp: a name with a slash is a path; else the first PATH directory that holds it. Returns the
        /// path to walk (as the runtime names it) and what it resolves to; reports a program that is nowhere.
        /// </summary>
        public (string Path, Resolved Target)? FindProgram(string name, string workingDirectory, string searchPath)
        {
            var candidates = name.Contains('/')
                ? [Absolute(name, workingDirectory)]
                : searchPath.Split(':', StringSplitOptions.RemoveEmptyEntries).Select(directory => directory.TrimEnd('/') + "/" + name);
            foreach (var candidate in candidates)
            {
                if (Lookup(candidate, "the entrypoint", check: false) is { } found)
                {
                    return (candidate, found);
                }
            }

            Problems.Add(LintRules.Finding(
                KnownCodes.EntrypointNotAccessible,
                name.Contains('/')
                    ? $"The entrypoint's program '{name}' is not in the image; the container cannot start. Point the entrypoint (ContainerAppCommand) at a file the image has."
                    : $"The entrypoint's program '{name}' is in none of the image's PATH directories ({searchPath}); the container cannot start. Point the entrypoint (ContainerAppCommand) at a path in the image, or use a base image that has '{name}'.",
                "config.Entrypoint"));
            return null;
        }

        /// <summary>Reports when <paramref name="path"/> exists but this user lacks <paramref name="mode"/> on it, or search on a directory on the way.</summary>
        public void Require(string path, UnixFileMode mode, string what, bool missingIsFine = false)
        {
            if (Lookup(path, what, check: false) is null)
            {
                if (!missingIsFine)
                {
                    Problems.Add(LintRules.Finding(KnownCodes.EntrypointNotAccessible, $"{Capitalized(what)} '{path}' is not in the image; the container cannot start. Publish it, or point the entrypoint at a file the image has.", "config.Entrypoint"));
                }

                return;
            }

            if (Lookup(path, what, check: true) is not { File: var file } resolved)
            {
                return;
            }

            if (file.Type == TarEntryType.Directory && mode == Search)
            {
                // One finding per directory: a working directory it cannot enter joins what else that directory blocks.
                Passable(file, resolved.Path, what, path);
            }
            else if (!user.May(file, mode))
            {
                var directory = file.Type == TarEntryType.Directory;
                var lacks = new[] { (Read, "read (r)"), (Search, directory ? "search (x)" : "execute (x)") }
                    .Where(p => (mode & p.Item1) != 0 && !user.May(file, p.Item1))
                    .Select(p => p.Item2);
                Problems.Add(Blocked(file, resolved.Path, $"{string.Join(" and ", lacks)} permission on {what} '{resolved.Path}'"));
            }
        }

        /// <summary>
        /// Follows <paramref name="path"/> component by component, symbolic links too, to its entry; null when
        /// a part is missing, or, with <paramref name="check"/>, when this user cannot search a directory on the
        /// way (reported then, naming that directory).
        /// </summary>
        private Resolved? Lookup(string path, string what, bool check)
        {
            if (check && !Passable(files.Root, "/", what, path))
            {
                return null;
            }

            var pending = new Queue<string>(Components(path));
            var current = "";
            var links = 0;
            while (pending.TryDequeue(out var component))
            {
                if (component == "..")
                {
                    current = current.Contains('/') ? current[..current.LastIndexOf('/')] : "";
                    continue;
                }

                var next = current.Length == 0 ? component : current + "/" + component;
                if (!files.Files.TryGetValue(next, out var entry))
                {
                    if (pending.Count > 0 && implicitDirectories.Contains(next))
                    {
                        current = next;
                        continue;
                    }

                    return null;
                }

                if (entry.Type == TarEntryType.SymbolicLink)
                {
                    if (++links > MaxSymlinks)
                    {
                        return null;
                    }

                    pending = new Queue<string>([.. Components(entry.LinkName), .. pending]);
                    current = entry.LinkName.StartsWith('/') ? "" : current;
                    continue;
                }

                if (entry.Type == TarEntryType.HardLink && files.Files.TryGetValue(LayerScanner.NormalizePath(entry.LinkName), out var linked))
                {
                    entry = linked with { Path = next };
                }

                if (pending.Count == 0)
                {
                    return new Resolved("/" + next, entry);
                }

                if (entry.Type != TarEntryType.Directory || (check && !Passable(entry, "/" + next, what, path)))
                {
                    return null;
                }

                current = next;
            }

            return new Resolved("/", files.Root ?? new ImageFile("", 1, TarEntryType.Directory, (UnixFileMode)0b111_101_101, 0));
        }

        private bool Passable(ImageFile? directory, string directoryPath, string what, string target)
        {
            if (directory is null || user.May(directory, Search))
            {
                return true;
            }

            var blocks = $"{what} '{target}'";
            var index = blocked.FindIndex(b => b.Path == directoryPath);
            if (index < 0)
            {
                blocked.Add((directory, directoryPath, [blocks]));
            }
            else if (!blocked[index].Blocks.Contains(blocks))
            {
                blocked[index].Blocks.Add(blocks);
            }

            return false;
        }

        private Finding Blocked(ImageFile file, string path, string lacks) => LintRules.Finding(
            KnownCodes.EntrypointNotAccessible,
            $"{user} lacks {lacks} (mode {SetuidFileRule.Octal(file.Mode)}, owner {file.Uid}:{file.Gid}), so the container fails to start with 'permission denied'. "
            + $"Give others that permission ({(file.Type == TarEntryType.Directory ? "chmod 0755 for a directory" : "chmod a+rx")}) in the layer that makes '{path}', or set ContainerUser to a user that has it.",
            file.Where);

        private static IEnumerable<string> Ancestors(string path)
        {
            for (var slash = path.IndexOf('/', StringComparison.Ordinal); slash > 0; slash = path.IndexOf('/', slash + 1))
            {
                yield return path[..slash];
            }
        }

        private static string[] Components(string path) =>
            path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(c => c != ".").ToArray();

        private static string Capitalized(string text) => char.ToUpperInvariant(text[0]) + text[1..];
    }
}
