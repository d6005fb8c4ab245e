using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Git;

public class RemoteCredentials
{
    [Theory]
    [InlineData("https://user:s3cr3t-token@host.example/org/repo.git", "https://host.example/org/repo", "s3cr3t-token")]
    [InlineData("https://x-access-token:ghs_abcdefSECRET@github.com/o/r", "https://github.com/o/r", "ghs_abcdefSECRET")]
    [InlineData("user:pl41n-token@host.example:org/repo", "https://host.example/org/repo", "pl41n-token")]
    [InlineData("git@github.com:org/repo.git", "https://github.com/org/repo", "git@")]
    [InlineData("ssh://git@host.example:2222/org/repo.git", "https://host.example/org/repo", "2222")]
    [InlineData("https://host.example/org/repo?access_token=abcSECRET", "https://host.example/org/repo", "abcSECRET")]
    public void Read_RemoteWithCredentials_ReturnsCleanUrlAndNeverTheSecret(string remote, string expected, string secret)
    {
        using var repository = TempGitRepository.Init();
        repository.Commit("first");
        repository.Git("remote", "add", "origin", remote);
        var log = new ListBuildLog();

        var facts = repository.Read(log);

        Assert.Equal(expected, facts.RemoteUrl);
        Assert.DoesNotContain(secret, facts.RemoteUrl, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, facts.RepositoryRoot + facts.Branch + string.Join(' ', facts.TagsAtHead), StringComparison.Ordinal);
        Assert.All(log.All, line => Assert.DoesNotContain(secret, line, StringComparison.Ordinal));
        Assert.Contains($"Drydock: source={expected} (from git remote 'origin')", log.Details);
    }

    [Fact]
    public void Read_NoOrigin_UsesTheFirstRemote()
    {
        using var repository = TempGitRepository.Init();
        repository.Commit("first");
        repository.Git("remote", "add", "zeta", "https://host.example/zeta/repo");
        repository.Git("remote", "add", "upstream", "https://host.example/upstream/repo.git");

        var facts = repository.Read(new ListBuildLog());

        Assert.Equal("https://host.example/upstream/repo", facts.RemoteUrl);
    }

    [Fact]
    public void Read_OriginAndOthers_PrefersOrigin()
    {
        using var repository = TempGitRepository.Init();
        repository.Commit("first");
        repository.Git("remote", "add", "aaa", "https://host.example/aaa/repo");
        repository.Git("remote", "add", "origin", "https://host.example/origin/repo");

        var facts = repository.Read(new ListBuildLog());

        Assert.Equal("https://host.example/origin/repo", facts.RemoteUrl);
    }

    [Fact]
    public void Read_LocalPathRemote_HasNoRemoteUrl()
    {
        using var repository = TempGitRepository.Init();
        repository.Commit("first");
        repository.Git("remote", "add", "origin", "/srv/git/repo.git");
        var log = new ListBuildLog();

        var facts = repository.Read(log);

        Assert.Null(facts.RemoteUrl);
        Assert.Contains("Drydock: source=(none: no remote with a public URL)", log.Details);
        Assert.All(log.All, line => Assert.DoesNotContain("/srv/git", line, StringComparison.Ordinal));
    }
}
