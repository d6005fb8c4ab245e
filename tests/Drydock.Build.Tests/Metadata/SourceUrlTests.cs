using Drydock.Build.Metadata;

namespace Drydock.Build.Tests.Metadata;

public class SourceUrlTests
{
    [Theory]
    [InlineData("https://github.com/octo-org/shop.git", "https://github.com/octo-org/shop")]
    [InlineData("https://github.com/octo-org/shop/", "https://github.com/octo-org/shop")]
    [InlineData("https://x-access-token:ghs_abc123@github.com/octo-org/shop.git", "https://github.com/octo-org/shop")]
    [InlineData("https://oauth2@gitlab.example.com:8443/shop/api.git?private_token=glpat-xyz#frag", "https://gitlab.example.com:8443/shop/api")]
    [InlineData("http://git.internal/shop.git", "http://git.internal/shop")]
    [InlineData("ssh://git@github.com:22/octo-org/shop.git", "https://github.com/octo-org/shop")]
    [InlineData("git://git.kernel.org/pub/scm/git/git.git", "https://git.kernel.org/pub/scm/git/git")]
    [InlineData("git@github.com:octo-org/shop.git", "https://github.com/octo-org/shop")]
    [InlineData("deploy:t0ken@git.example.com:org/repo", "https://git.example.com/org/repo")]
    public void Normalize_NetworkRemote_CredentialFreeWebUrl(string remote, string expected)
    {
        Assert.Equal(expected, SourceUrl.Normalize(remote));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("/srv/git/shop.git")]
    [InlineData("../shop")]
    [InlineData(@"C:\src\shop")]
    [InlineData("file:///srv/git/shop.git")]
    [InlineData("ftp://example.com/shop")]
    public void Normalize_NotANetworkRemote_Null(string? remote)
    {
        Assert.Null(SourceUrl.Normalize(remote));
    }
}
