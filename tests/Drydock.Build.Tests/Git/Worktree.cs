using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Git;

public class Worktree
{
    [Fact]
    public void Read_LinkedWorktree_ReadsTheWorktreesHeadAndBranch()
    {
        using var repository = TempGitRepository.Init();
        var mainHead = repository.Commit("first");
        var worktree = Path.Combine(repository.Sandbox, "feature-tree");
        repository.Git("worktree", "add", "-q", "-b", "feature/x", worktree);
        var featureHead = repository.Commit("on feature", TempGitRepository.DefaultCommitTime.AddHours(1), worktree);

        var facts = repository.Read(new ListBuildLog(), worktree);

        Assert.True(File.Exists(Path.Combine(worktree, ".git")), "a linked worktree has a .git file");
        Assert.NotEqual(mainHead, featureHead);
        Assert.Equal(featureHead, facts.Sha);
        Assert.Equal("feature/x", facts.Branch);
        Assert.Equal(TempGitRepository.DefaultCommitTime.AddHours(1), facts.CommitTime);
        Assert.Equal(repository.GitIn(worktree, "rev-parse", "--show-toplevel"), facts.RepositoryRoot);
        Assert.False(facts.IsDirty);
    }

    [Fact]
    public void Read_CloneWithSeparateGitDir_FollowsTheGitFile()
    {
        using var repository = TempGitRepository.Init();
        var head = repository.Commit("first");
        var clone = Path.Combine(repository.Sandbox, "clone");
        var gitDirectory = Path.Combine(repository.Sandbox, "elsewhere.git");
        repository.GitIn(repository.Sandbox, "clone", "-q", "--separate-git-dir", gitDirectory, repository.Path, clone);

        var facts = repository.Read(new ListBuildLog(), clone);

        Assert.StartsWith("gitdir: ", File.ReadAllText(Path.Combine(clone, ".git")), StringComparison.Ordinal);
        Assert.Equal(head, facts.Sha);
        Assert.Equal("main", facts.Branch);
        Assert.Equal(repository.GitIn(clone, "rev-parse", "--show-toplevel"), facts.RepositoryRoot);
    }
}
