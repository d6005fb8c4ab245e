using Drydock.Build.Diagnostics;
using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Git;

public class EmptyRepository
{
    [Fact]
    public void Read_RepositoryWithoutCommits_ThrowsNoCommit()
    {
        using var repository = TempGitRepository.Init();

        var exception = Assert.Throws<DrydockException>(() => repository.Read(new ListBuildLog()));

        Assert.Equal(KnownCodes.NoCommit, exception.Code);
        Assert.Contains("has no commit yet", exception.Message, StringComparison.Ordinal);
    }
}
