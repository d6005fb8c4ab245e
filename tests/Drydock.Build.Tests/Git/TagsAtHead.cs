using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Git;

public class TagsAtHead
{
    [Fact]
    public void Read_TagsOnHeadAndBelow_ListsOnlyThoseOnHead()
    {
        using var repository = TempGitRepository.Init();
        repository.Commit("first", TempGitRepository.DefaultCommitTime.AddDays(-1));
        repository.Git("tag", "v1.0.0");
        repository.Commit("second");
        repository.Git("tag", "-a", "-m", "release", "v1.2.3");
        repository.Git("tag", "deployed-to-staging");

        var facts = repository.Read(new ListBuildLog());

        Assert.Equal(["deployed-to-staging", "v1.2.3"], facts.TagsAtHead);
    }
}
