using Drydock.Build.Diagnostics;
using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Git;

public class GitNotInstalled
{
    [Fact]
    public void Read_PathWithoutGit_ThrowsGitNotFound()
    {
        using var repository = TempGitRepository.Init();
        repository.Commit("first");
        var empty = Path.Combine(repository.Sandbox, "empty-bin");
        Directory.CreateDirectory(empty);
        var environment = new Dictionary<string, string?>(repository.Environment) { ["PATH"] = empty };

        var exception = Assert.Throws<DrydockException>(
            () => Drydock.Build.Git.GitRepository.Read(repository.Path, new ListBuildLog(), environment));

        Assert.Equal(KnownCodes.GitNotFound, exception.Code);
        Assert.Contains("Install git and put it on PATH", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_GitThatCannotStart_ThrowsGitNotFound()
    {
        using var repository = TempGitRepository.Init();
        repository.Commit("first");
        var bin = Path.Combine(repository.Sandbox, "broken-bin");
        Directory.CreateDirectory(bin);
        File.WriteAllText(Path.Combine(bin, OperatingSystem.IsWindows() ? "git.exe" : "git"), "not a program");
        var environment = new Dictionary<string, string?>(repository.Environment) { ["PATH"] = bin };

        var exception = Assert.Throws<DrydockException>(
            () => Drydock.Build.Git.GitRepository.Read(repository.Path, new ListBuildLog(), environment));

        Assert.Equal(KnownCodes.GitNotFound, exception.Code);
        Assert.Contains("could not be started", exception.Message, StringComparison.Ordinal);
    }
}
