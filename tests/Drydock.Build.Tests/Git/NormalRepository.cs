using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Git;

public class NormalRepository
{
    [Fact]
    public void Read_CommittedRepository_ReturnsWhatGitSays()
    {
        using var repository = TempGitRepository.Init();
        repository.Commit("first", TempGitRepository.DefaultCommitTime.AddDays(-1));
        repository.Commit("second");
        var log = new ListBuildLog();

        var facts = repository.Read(log);

        Assert.Equal(repository.Git("rev-parse", "HEAD"), facts.Sha);
        Assert.Matches("^[0-9a-f]{40}$", facts.Sha);
        Assert.Equal(facts.Sha[..7], facts.ShortSha);
        Assert.Equal("main", facts.Branch);
        Assert.False(facts.IsDirty);
        Assert.False(facts.IsShallow);
        Assert.Equal(TempGitRepository.DefaultCommitTime, facts.CommitTime);
        Assert.Equal(TimeSpan.Zero, facts.CommitTime.Offset);
        Assert.Equal(repository.Git("rev-parse", "--show-toplevel"), facts.RepositoryRoot);
        Assert.Null(facts.RemoteUrl);
        Assert.Empty(facts.TagsAtHead);
        Assert.Empty(log.Warnings);
    }

    [Fact]
    public void Read_FromSubdirectory_FindsTheRepositoryAbove()
    {
        using var repository = TempGitRepository.Init();
        var sha = repository.Commit("first");
        var project = Path.Combine(repository.Path, "src", "App");
        Directory.CreateDirectory(project);

        var facts = repository.Read(new ListBuildLog(), project);

        Assert.Equal(sha, facts.Sha);
        Assert.Equal(repository.Git("rev-parse", "--show-toplevel"), facts.RepositoryRoot);
    }

    [Fact]
    public void Read_Always_LogsEveryFactAsDetail()
    {
        using var repository = TempGitRepository.Init();
        var sha = repository.Commit("first");
        repository.Git("tag", "v1.0.0");
        repository.Git("remote", "add", "origin", "git@github.com:org/repo.git");
        var log = new ListBuildLog();

        repository.Read(log);

        Assert.Contains($"Drydock: revision={sha} (from git)", log.Details);
        Assert.Contains("Drydock: branch=main (from git)", log.Details);
        Assert.Contains("Drydock: dirty=false (from git status, untracked files ignored)", log.Details);
        Assert.Contains("Drydock: commit time=2024-05-06T07:08:09Z (from git)", log.Details);
        Assert.Contains("Drydock: source=https://github.com/org/repo (from git remote 'origin')", log.Details);
        Assert.Contains("Drydock: tags at HEAD=v1.0.0 (from git)", log.Details);
    }
}
