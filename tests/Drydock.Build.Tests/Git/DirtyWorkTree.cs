using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Git;

public class DirtyWorkTree
{
    [Fact]
    public void Read_ModifiedTrackedFile_IsDirty()
    {
        using var repository = TempGitRepository.Init();
        repository.Commit("first");
        repository.WriteFile("first.txt", "changed");

        Assert.True(repository.Read(new ListBuildLog()).IsDirty);
    }

    [Fact]
    public void Read_StagedNewFile_IsDirty()
    {
        using var repository = TempGitRepository.Init();
        repository.Commit("first");
        repository.WriteFile("new.txt", "new");
        repository.Git("add", "new.txt");

        Assert.True(repository.Read(new ListBuildLog()).IsDirty);
    }

    [Fact]
    public void Read_UntrackedFilesOnly_IsClean()
    {
        using var repository = TempGitRepository.Init();
        var sha = repository.Commit("first");
        repository.WriteFile("bin/Release/app.dll", "build output");
        repository.WriteFile("notes.txt", "untracked");

        var facts = repository.Read(new ListBuildLog());

        Assert.False(facts.IsDirty);
        Assert.Equal(sha, facts.Sha);
    }
}
