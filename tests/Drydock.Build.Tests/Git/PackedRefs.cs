using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Git;

public class PackedRefs
{
    [Fact]
    public void Read_AllRefsPacked_StillReadsBranchAndTags()
    {
        using var repository = TempGitRepository.Init();
        var head = repository.Commit("first");
        repository.Git("tag", "v2.0.0");
        repository.Git("tag", "-a", "-m", "annotated", "release-2");
        repository.Git("pack-refs", "--all");

        var facts = repository.Read(new ListBuildLog());

        var refs = Path.Combine(repository.Path, ".git", "refs");
        Assert.Empty(Directory.EnumerateFiles(refs, "*", SearchOption.AllDirectories));
        Assert.Contains("refs/tags/v2.0.0", File.ReadAllText(Path.Combine(repository.Path, ".git", "packed-refs")), StringComparison.Ordinal);
        Assert.Equal(head, facts.Sha);
        Assert.Equal("main", facts.Branch);
        Assert.Equal(["release-2", "v2.0.0"], facts.TagsAtHead);
    }
}
