using Drydock.Build.Diagnostics;
using Drydock.Build.Git;
using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Git;

public class GitFailure
{
    [Fact]
    public void Read_BrokenConfig_ThrowsGitFailedWithGitsFirstLine()
    {
        using var repository = TempGitRepository.Init();
        repository.Commit("first");
        File.AppendAllText(Path.Combine(repository.Path, ".git", "config"), "[broken\n");

        var exception = Assert.Throws<DrydockException>(() => repository.Read(new ListBuildLog()));

        Assert.Equal(KnownCodes.GitFailed, exception.Code);
        Assert.Contains("with exit code 128: bad config line", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fatal: unable to access 'https://user:hunter2@host/org/repo.git/': 403", "fatal: unable to access 'https://host/org/repo.git/': 403")]
    [InlineData("fatal: 'bob:hunter2@host:org/repo' does not appear to be a git repository", "fatal: 'host:org/repo' does not appear to be a git repository")]
    [InlineData("fatal: unable to access 'https://host/org/repo?private_token=hunter2': 401", "fatal: unable to access 'https://host/org/repo': 401")]
    [InlineData("fatal: git@host:org/repo is fine", "fatal: git@host:org/repo is fine")]
    public void Scrub_GitErrorText_RemovesCredentials(string text, string expected)
    {
        Assert.Equal(expected, RemoteUrl.Scrub(text));
    }
}
