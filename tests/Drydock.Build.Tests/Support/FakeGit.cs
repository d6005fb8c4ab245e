namespace Drydock.Build.Tests.Support;

/// <summary>A shell script named git, for tests of how Drydock starts, stops and calls git (Unix only).</summary>
internal static class FakeGit
{
    /// <summary>Writes <paramref name="script"/> as an executable <c>git</c> in a new folder and returns the folder.</summary>
    public static string Create(string parent, string name, string script)
    {
        var bin = Path.Combine(parent, name);
        Directory.CreateDirectory(bin);
        var git = Path.Combine(bin, "git");
        File.WriteAllText(git, "#!/bin/sh\n" + script);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(git, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return bin;
    }

    /// <summary>The real git on this process's PATH.</summary>
    public static string Real() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator)
            .Select(directory => Path.Combine(directory, "git"))
            .First(File.Exists);
}
