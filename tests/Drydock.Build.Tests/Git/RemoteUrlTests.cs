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
