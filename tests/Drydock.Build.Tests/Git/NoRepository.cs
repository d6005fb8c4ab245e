using Drydock.Build.Diagnostics;
using Drydock.Build.Git;
using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Git;

public class NoRepository
{
    [Fact]
    public void Read_DirectoryOutsideAnyRepository_ThrowsNoRepository()
    {
        // The sandbox is the discovery ceiling, so the temp folder's surroundings cannot be a repository.
        using var repository = TempGitRepository.Init();
        var plain = Path.Combine(repository.Sandbox, "plain");
        Directory.CreateDirectory(plain);

        var exception = Assert.Throws<DrydockException>(() => repository.Read(new ListBuildLog(), plain));

        Assert.Equal(KnownCodes.NoRepository, exception.Code);
        Assert.Contains(plain, exception.Message, StringComparison.Ordinal);
        Assert.Contains("set SourceRevisionId and SOURCE_DATE_EPOCH, or publish from a git clone", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MissingDirectory_ThrowsNoRepository()
    {
        var missing = Path.Combine(Path.GetTempPath(), "drydock-tests", Guid.NewGuid().ToString("N"));

        var exception = Assert.Throws<DrydockException>(() => GitRepository.Read(missing, new ListBuildLog()));

        Assert.Equal(KnownCodes.NoRepository, exception.Code);
        Assert.Contains("does not exist", exception.Message, StringComparison.Ordinal);
    }
}
