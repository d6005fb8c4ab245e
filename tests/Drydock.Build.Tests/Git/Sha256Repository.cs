using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Git;

public class Sha256Repository
{
    [Fact]
    public void Read_Sha256ObjectFormat_ReturnsTheFull64DigitName()
    {
        using var repository = TempGitRepository.Init("--object-format=sha256");
        var head = repository.Commit("first");

        var facts = repository.Read(new ListBuildLog());

        Assert.Equal("sha256", repository.Git("rev-parse", "--show-object-format"));
        Assert.Matches("^[0-9a-f]{64}$", facts.Sha);
        Assert.Equal(head, facts.Sha);
        Assert.Equal(head[..7], facts.ShortSha);
        Assert.Equal("main", facts.Branch);
    }
}
