using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Git;

public class DetachedHead
{
    [Fact]
    public void Read_DetachedHead_HasNoBranchButTheRevision()
    {
        using var repository = TempGitRepository.Init();
        var first = repository.Commit("first", TempGitRepository.DefaultCommitTime.AddDays(-1));
        repository.Commit("second");
        repository.Git("checkout", "-q", "--detach", first);
        var log = new ListBuildLog();

        var facts = repository.Read(log);

        Assert.Null(facts.Branch);
        Assert.Equal(first, facts.Sha);
        Assert.Equal(TempGitRepository.DefaultCommitTime.AddDays(-1), facts.CommitTime);
        Assert.Contains("Drydock: branch=(none: detached HEAD) (from git)", log.Details);
        Assert.Empty(log.Warnings);
    }
}
