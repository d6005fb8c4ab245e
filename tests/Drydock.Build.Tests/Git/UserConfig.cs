using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Git;

public class UserConfig
{
    [Fact]
    public void Read_ConfigThatChangesGitsOutput_StillReadsTheFacts()
    {
        using var repository = TempGitRepository.Init();
        var head = repository.Commit("first");
        repository.Git("tag", "v1.0.0");
        repository.Git("tag", "v1.0");
        foreach (var (key, value) in new[]
        {
            ("column.ui", "always"), ("color.ui", "always"), ("log.showSignature", "true"),
            ("status.branch", "true"), ("status.short", "true"), ("tag.sort", "-refname"),
        })
        {
            repository.GitIn(repository.Sandbox, "config", "--file", repository.GlobalConfig, key, value);
        }

        var facts = repository.Read(new ListBuildLog());

        Assert.Equal(head, facts.Sha);
        Assert.Equal(TempGitRepository.DefaultCommitTime, facts.CommitTime);
        Assert.False(facts.IsDirty);
        Assert.Equal(["v1.0.0", "v1.0"], facts.TagsAtHead);
    }
}
