using Drydock.Build.Diagnostics;
using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Git;

public class ShallowClone
{
    [Fact]
    public void Read_DepthOneClone_ReadsHeadAndWarns()
    {
        using var repository = TempGitRepository.Init();
        repository.Commit("first", TempGitRepository.DefaultCommitTime.AddDays(-2));
        repository.Git("tag", "v1.0.0");
        repository.Commit("second", TempGitRepository.DefaultCommitTime.AddDays(-1));
        var head = repository.Commit("third");
        var clone = Path.Combine(repository.Sandbox, "shallow");
        repository.GitIn(repository.Sandbox, "clone", "-q", "--depth", "1", new Uri(repository.Path).AbsoluteUri, clone);
        var log = new ListBuildLog();

        var facts = repository.Read(log, clone);

        Assert.Equal("true", repository.GitIn(clone, "rev-parse", "--is-shallow-repository"));
        Assert.True(facts.IsShallow);
        Assert.Equal(head, facts.Sha);
        Assert.Equal(TempGitRepository.DefaultCommitTime, facts.CommitTime);
        Assert.Equal("main", facts.Branch);
        var warning = Assert.Single(log.Warnings);
        Assert.Equal(KnownCodes.ShallowClone, warning.Code);
        Assert.Contains("fetch with fetch-depth: 0 for version tags", warning.Message, StringComparison.Ordinal);
    }
}
