using Drydock.Build.Diagnostics;
using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Git;

public class UnsupportedRepository
{
    [Fact]
    public void Read_UnknownRepositoryExtension_ThrowsUnsupportedRepositoryNamingIt()
    {
        using var repository = TempGitRepository.Init();
        repository.Commit("first");
        repository.Git("config", "core.repositoryformatversion", "1");
        repository.Git("config", "extensions.frobnicate", "true");

        var exception = Assert.Throws<DrydockException>(() => repository.Read(new ListBuildLog()));

        Assert.Equal(KnownCodes.UnsupportedRepository, exception.Code);
        Assert.Contains("repository extension(s) frobnicate, which this git cannot read", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_FutureRepositoryFormatVersion_ThrowsUnsupportedRepository()
    {
        using var repository = TempGitRepository.Init();
        repository.Commit("first");
        repository.Git("config", "core.repositoryformatversion", "2");

        var exception = Assert.Throws<DrydockException>(() => repository.Read(new ListBuildLog()));

        Assert.Equal(KnownCodes.UnsupportedRepository, exception.Code);
        Assert.Contains("found 2", exception.Message, StringComparison.Ordinal);
    }
}
