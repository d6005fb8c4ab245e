using CsCheck;
using Drydock.Build.Git;

namespace Drydock.Build.Tests.Git;

public class RemoteUrlTests
{
    [Theory]
    [InlineData("https://user:token@host.example/org/repo.git", "https://host.example/org/repo")]
    [InlineData("https://user:token@host.example/org/repo", "https://host.example/org/repo")]
    [InlineData("https://ghp_onlyatoken@host.example/org/repo", "https://host.example/org/repo")]
    [InlineData("https://user:p@ss:w@rd@host.example/org/repo", "https://host.example/org/repo")]
    [InlineData("https://org@dev.azure.com/org/project/_git/repo", "https://dev.azure.com/org/project/_git/repo")]
    [InlineData("https://HOST.Example/Org/Repo.git", "https://host.example/Org/Repo")]
    [InlineData("https://host.example:8443/org/repo.git", "https://host.example:8443/org/repo")]
    [InlineData("http://host.example/org/repo.git", "http://host.example/org/repo")]
    [InlineData("https://host.example/org/repo.git/", "https://host.example/org/repo")]
    [InlineData("https://host.example/org/repo/", "https://host.example/org/repo")]
    [InlineData("https://host.example/org/repo?access_token=abc", "https://host.example/org/repo")]
    [InlineData("https://host.example/org/repo.git?private_token=abc#frag", "https://host.example/org/repo")]
    [InlineData("  https://host.example/org/repo  ", "https://host.example/org/repo")]
    [InlineData("git@github.com:org/repo.git", "https://github.com/org/repo")]
    [InlineData("user:token@host.example:org/repo", "https://host.example/org/repo")]
    [InlineData("user:to/k@en@host.example:org/repo", "https://host.example/org/repo")]
    [InlineData("git@host.example:org/repo@v2", "https://host.example/org/repo@v2")]
    [InlineData("host.example:org/repo", "https://host.example/org/repo")]
    [InlineData("git@host.example:/srv/repo.git", "https://host.example/srv/repo")]
    [InlineData("ssh://git@host.example:22/org/repo.git", "https://host.example/org/repo")]
    [InlineData("ssh://git@host.example:2222/org/repo.git", "https://host.example/org/repo")]
    [InlineData("ssh://user:secret@host.example/org/repo", "https://host.example/org/repo")]
    [InlineData("ssh://git@[::1]:22/org/repo", "https://[::1]/org/repo")]
    [InlineData("git+ssh://git@host.example/org/repo.git", "https://host.example/org/repo")]
    [InlineData("git://host.example/org/repo.git", "https://host.example/org/repo")]
    // Per hosting service: GitHub, GitLab with subgroups, Bitbucket Cloud and Server, Azure DevOps, self-hosted.
    [InlineData("https://github.com/octo-org/shop.git", "https://github.com/octo-org/shop")]
    [InlineData("https://x-access-token:ghs_abc123@github.com/octo-org/shop.git", "https://github.com/octo-org/shop")]
    [InlineData("git@github.com:octo-org/shop.git", "https://github.com/octo-org/shop")]
    [InlineData("ssh://git@ssh.github.com:443/octo-org/shop.git", "https://ssh.github.com/octo-org/shop")]
    [InlineData("https://gitlab.com/group/sub/subsub/shop.git", "https://gitlab.com/group/sub/subsub/shop")]
    [InlineData("https://gitlab-ci-token:glcbt-64_abc@gitlab.example.com/group/sub/shop.git", "https://gitlab.example.com/group/sub/shop")]
    [InlineData("git@gitlab.com:group/sub/shop.git", "https://gitlab.com/group/sub/shop")]
    [InlineData("https://user@bitbucket.org/team/shop.git", "https://bitbucket.org/team/shop")]
    [InlineData("https://x-token-auth:ATCTT3xF@bitbucket.org/team/shop.git", "https://bitbucket.org/team/shop")]
    [InlineData("git@bitbucket.org:team/shop.git", "https://bitbucket.org/team/shop")]
    [InlineData("ssh://git@bitbucket.example.com:7999/proj/shop.git", "https://bitbucket.example.com/proj/shop")]
    [InlineData("https://bitbucket.example.com:8443/scm/proj/shop.git", "https://bitbucket.example.com:8443/scm/proj/shop")]
    [InlineData("git@ssh.dev.azure.com:v3/contoso/Shop%20Project/shop", "https://dev.azure.com/contoso/Shop%20Project/_git/shop")]
    [InlineData("ssh://git@ssh.dev.azure.com/v3/contoso/Shop/shop", "https://dev.azure.com/contoso/Shop/_git/shop")]
    [InlineData("https://contoso:pat123@dev.azure.com/contoso/Shop/_git/shop", "https://dev.azure.com/contoso/Shop/_git/shop")]
    [InlineData("contoso@vs-ssh.visualstudio.com:v3/contoso/Shop/shop", "https://contoso.visualstudio.com/Shop/_git/shop")]
    [InlineData("https://contoso.visualstudio.com/DefaultCollection/Shop/_git/shop", "https://contoso.visualstudio.com/DefaultCollection/Shop/_git/shop")]
    [InlineData("ssh://contoso@contoso.visualstudio.com:22/DefaultCollection/Shop/_ssh/shop", "https://contoso.visualstudio.com/DefaultCollection/Shop/_git/shop")]
    [InlineData("https://builder:s3cret@git.example.com:8443/scm/shop/shop.git", "https://git.example.com:8443/scm/shop/shop")]
    [InlineData("ssh://git@git.example.com:2222/group/shop.git", "https://git.example.com/group/shop")]
    [InlineData("deploy:glpat-xyz@git.example.com:group/shop.git", "https://git.example.com/group/shop")]
    [InlineData("https://github.com:443/octo-org/shop.git", "https://github.com/octo-org/shop")]
    [InlineData("http://git.example.com:80/group/shop.git", "http://git.example.com/group/shop")]
    [InlineData("https://git.example.com:80/group/shop.git", "https://git.example.com:80/group/shop")]
    public void ToPublicHttps_RemoteForms_ReturnsCleanUrl(string remote, string expected)
    {
        Assert.Equal(expected, RemoteUrl.ToPublicHttps(remote));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("file:///srv/git/repo.git")]
    [InlineData("/srv/git/repo.git")]
    [InlineData("../sibling")]
    [InlineData("./dir:with:colons")]
    [InlineData(@"C:\src\repo")]
    [InlineData("C:/src/repo")]
    [InlineData(@"\\server\share\repo")]
    [InlineData("ftp://host.example/org/repo")]
    [InlineData("persistent-https::https://host.example/org/repo")]
    [InlineData("https://host.example")]
    [InlineData("https://host.example?token=abc")]
    [InlineData("git@host.example:")]
    [InlineData("https://user:pa/ss@host.example/org/repo")]
    [InlineData("https://user:1234/pass?word@host.example/org/repo")]
    [InlineData("https://user:pass#word@host.example/org/repo")]
    [InlineData("https://host.example/org/repo?mail=someone@example.com")]
    public void ToPublicHttps_NoPublicUrl_ReturnsNull(string? remote)
    {
        Assert.Null(RemoteUrl.ToPublicHttps(remote));
    }

    private const string Clean = "host.example/org/repo";

    // Printable ASCII without whitespace: what a pasted token or password may hold.
    private static readonly Gen<string> Secret = Gen.Char['!', '~'].Array[6, 24].Select(chars => new string(chars))
        .Where(secret => !$"https://{Clean}".Contains(secret, StringComparison.Ordinal));

    private static readonly string[] Forms =
    [
        "https://{0}:{1}@host.example/org/repo.git",
        "http://{0}:{1}@host.example/org/repo",
        "ssh://{0}:{1}@host.example:2222/org/repo.git",
        "git+ssh://{0}:{1}@host.example/org/repo.git",
        "{0}:{1}@host.example:org/repo.git",
        "https://host.example/org/repo?user={0}&token={1}",
        "https://host.example/org/repo.git#{0}{1}",
    ];

    [Fact]
    public void ToPublicHttps_AnyUserAndPassword_NeverReturnsThePassword()
    {
        Gen.Select(Gen.Int[0, Forms.Length - 1], Secret, Secret).Sample((form, user, password) =>
        {
            var remote = string.Format(System.Globalization.CultureInfo.InvariantCulture, Forms[form], user, password);

            var url = RemoteUrl.ToPublicHttps(remote);

            // Odd passwords may make a remote unreadable (null), never readable as something else.
            Assert.True(url is null || url == $"https://{Clean}" || url == $"http://{Clean}", $"{remote} => {url}");
            Assert.DoesNotContain(password, url ?? "", StringComparison.Ordinal);
        }, iter: 20_000);
    }

    [Fact]
    public void ToPublicHttps_WellFormedUserAndPassword_AlwaysReturnsTheCleanUrl()
    {
        // RFC 3986 user info: unreserved and sub-delims characters, the rest percent-encoded.
        var encoded = Gen.Char["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;="].Array[6, 24]
            .Select(chars => new string(chars).Replace("o", "%40", StringComparison.Ordinal));
        Gen.Select(Gen.Int[0, Forms.Length - 1], encoded, encoded).Sample((form, user, password) =>
        {
            var remote = string.Format(System.Globalization.CultureInfo.InvariantCulture, Forms[form], user, password);

            var url = RemoteUrl.ToPublicHttps(remote);

            Assert.Equal(form == 1 ? $"http://{Clean}" : $"https://{Clean}", url);
        }, iter: 20_000);
    }

    [Fact]
    public void Scrub_AnyPasswordInAUrl_RemovesIt()
    {
        var quoteless = Secret.Where(secret => !secret.Contains('\'', StringComparison.Ordinal) && !secret.Contains('"', StringComparison.Ordinal));
        var user = Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789-._~"].Array[1, 12].Select(chars => new string(chars));
        Gen.Select(Gen.Int[0, Forms.Length - 1], user, quoteless).Sample((form, name, password) =>
        {
            var remote = string.Format(System.Globalization.CultureInfo.InvariantCulture, Forms[form], name, password);

            var text = RemoteUrl.Scrub($"fatal: unable to access '{remote}': The requested URL returned error: 403");

            Assert.DoesNotContain(password, text, StringComparison.Ordinal);
            Assert.EndsWith("': The requested URL returned error: 403", text, StringComparison.Ordinal);
        }, iter: 20_000);
    }
}
