using Drydock.Build.Diagnostics;
using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Git;

// git refuses a repository another user owns unless safe.directory lists it (git-config(1)). The tests run as
// root, hand the repository to nobody (65534), and set safe.directory in the test's own global config.
public class UnsafeRepository
{
    [Fact]
    public void Read_RepositoryOwnedByAnotherUser_ThrowsUnsafeRepositoryWithTheFix()
    {
        using var repository = TempGitRepository.Init();
        repository.Commit("first");
        var root = repository.Git("rev-parse", "--show-toplevel");
        HandToNobody(repository);

        var exception = Assert.Throws<DrydockException>(() => repository.Read(new ListBuildLog()));

        Assert.Equal(KnownCodes.UnsafeRepository, exception.Code);
        Assert.EndsWith($"run: git config --global --add safe.directory {root}", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RepositoryOwnedByAnotherUserListedAsSafe_ReadsIt()
    {
        using var repository = TempGitRepository.Init();
        var head = repository.Commit("first");
        var root = repository.Git("rev-parse", "--show-toplevel");
        HandToNobody(repository);
        repository.GitIn(repository.Sandbox, "config", "--file", repository.GlobalConfig, "--add", "safe.directory", root);

        var facts = repository.Read(new ListBuildLog());

        Assert.Equal(head, facts.Sha);
        Assert.Equal("main", facts.Branch);
    }

    private static void HandToNobody(TempGitRepository repository)
    {
        // Only root may give files away; run these tests as root (the CI container does).
        using var chown = System.Diagnostics.Process.Start("chown", ["-R", "65534:65534", repository.Path]);
        chown.WaitForExit();
        Assert.True(chown.ExitCode == 0, "chown failed: these tests must run as root");
    }
}
