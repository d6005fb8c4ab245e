using Drydock.Build.Diagnostics;

namespace Drydock.Build.Tests.Oci.Registry;

/// <summary>The logins under <c>auths</c>: how keys match a registry, the entry forms, and broken files.</summary>
public class CredentialFileTests
{
    private const string Secret = "pa55-w0rd-in-file";

    [Theory]
    [InlineData("localhost:5000")]
    [InlineData("LocalHost:5000")]
    [InlineData("https://localhost:5000")]
    [InlineData("http://localhost:5000")]
    [InlineData("https://localhost:5000/v2/")]
    public void Find_DockerKeyForms_MatchHostAndPort(string key)
    {
        using var sandbox = new CredentialSandbox();
        sandbox.DockerConfig($$"""{"auths":{"{{key}}":{"auth":"{{CredentialSandbox.Auth("u", Secret)}}"} } }""");

        var credential = sandbox.Find("localhost:5000")!;

        Assert.Equal(("u", Secret), (credential.Username, credential.Secret));
    }

    // containers-auth.json(5): "the most specific match is used", per file; docker config.json keys too (podman reads them so).
    [Theory]
    [InlineData("acme/app", "repo-key")]
    [InlineData("acme/app/worker", "repo-key")]
    [InlineData("acme/other", "namespace-key")]
    [InlineData("acme", "namespace-key")]
    [InlineData("acmecorp/app", "registry-key")]
    [InlineData("other/app", "registry-key")]
    [InlineData(null, "registry-key")]
    public void Find_NamespacedKeys_MostSpecificWins(string? repository, string user)
    {
        using var sandbox = new CredentialSandbox();
        var entries = $$"""
            "ghcr.io": {"auth":"{{CredentialSandbox.Auth("registry-key", Secret)}}"},
            "ghcr.io/acme/app": {"auth":"{{CredentialSandbox.Auth("repo-key", Secret)}}"},
            "ghcr.io/acme": {"auth":"{{CredentialSandbox.Auth("namespace-key", Secret)}}"}
            """;
        sandbox.PodmanAuth($$"""{"auths":{ {{entries}} } }""");
        using var docker = new CredentialSandbox();
        docker.DockerConfig($$"""{"auths":{ {{entries}} } }""");

        Assert.Equal(user, sandbox.Find("ghcr.io", repository)!.Username);
        Assert.Equal(user, docker.Find("ghcr.io", repository)!.Username);
    }

    [Fact]
    public void Find_OnlyANamespacedKey_OtherNamespacesAnonymous()
    {
        using var sandbox = new CredentialSandbox();
        sandbox.PodmanAuth($$"""{"auths":{"ghcr.io/acme":{"auth":"{{CredentialSandbox.Auth("acme-bot", Secret)}}"} } }""");

        Assert.Equal("acme-bot", sandbox.Find("ghcr.io", "acme/app")!.Username);
        Assert.Null(sandbox.Find("ghcr.io", "other/app"));
        Assert.Null(sandbox.Find("ghcr.io"));
    }

    [Theory]
    [InlineData("docker.io/library")]
    [InlineData("index.docker.io/library/app")]
    public void Find_DockerHubNamespacedKey_MatchesLibraryRepository(string key)
    {
        using var sandbox = new CredentialSandbox();
        sandbox.PodmanAuth($$"""{"auths":{"{{key}}":{"auth":"{{CredentialSandbox.Auth("hub", Secret)}}"} } }""");

        Assert.Equal("hub", sandbox.Find("docker.io", "library/app")!.Username);
    }

    [Theory]
    [InlineData("localhost:5001")]
    [InlineData("localhost")]
    [InlineData("ghcr.io")]
    public void Find_DockerKeyForOtherHostOrPort_ReturnsNull(string key)
    {
        using var sandbox = new CredentialSandbox();
        sandbox.DockerConfig($$"""{"auths":{"{{key}}":{"auth":"{{CredentialSandbox.Auth("u", Secret)}}"} } }""");

        Assert.Null(sandbox.Find("localhost:5000"));
    }

    [Theory]
    [InlineData("https://index.docker.io/v1/", "docker.io")]
    [InlineData("https://index.docker.io/v1/", "index.docker.io")]
    [InlineData("https://index.docker.io/v1/", "registry-1.docker.io")]
    [InlineData("docker.io", "docker.io")]
    [InlineData("index.docker.io", "registry-1.docker.io")]
    [InlineData("registry-1.docker.io", "docker.io")]
    [InlineData("https://registry-1.docker.io/v2/", "index.docker.io")]
    public void Find_DockerHubAliases_MatchEachOther(string key, string registry)
    {
        using var sandbox = new CredentialSandbox();
        sandbox.DockerConfig($$"""{"auths":{"{{key}}":{"auth":"{{CredentialSandbox.Auth("hub-user", Secret)}}"} } }""");

        Assert.Equal("hub-user", sandbox.Find(registry)!.Username);
    }

    [Fact]
    public void Find_PodmanRepositoryScopedKeys_Ignored()
    {
        using var sandbox = new CredentialSandbox();
        sandbox.PodmanAuth($$"""
            {"auths":{
              "quay.io/team/app":{"auth":"{{CredentialSandbox.Auth("repo", Secret)}}"},
              "quay.io/team":{"auth":"{{CredentialSandbox.Auth("namespace", Secret)}}"},
              "ghcr.io/org":{"auth":"{{CredentialSandbox.Auth("namespace", Secret)}}"},
              "quay.io":{"auth":"{{CredentialSandbox.Auth("registry", Secret)}}"}
            } }
            """);

        Assert.Equal("registry", sandbox.Find("quay.io")!.Username);
        Assert.Null(sandbox.Find("ghcr.io"));
    }

    [Fact]
    public void Find_PodmanLegacyKeyWithScheme_PathDropped()
    {
        using var sandbox = new CredentialSandbox();
        sandbox.PodmanAuth($$"""{"auths":{"https://index.docker.io/v1/":{"auth":"{{CredentialSandbox.Auth("hub-user", Secret)}}"} } }""");

        Assert.Equal("hub-user", sandbox.Find("docker.io")!.Username);
    }

    [Fact]
    public void Find_IdentityToken_TokenUserAndTokenSecret()
    {
        using var sandbox = new CredentialSandbox();
        sandbox.DockerConfig($$"""{"auths":{"myacr.azurecr.io":{"auth":"{{CredentialSandbox.Auth("00000000-0000-0000-0000-000000000000", "")}}","identitytoken":"refresh-token-value"} } }""");

        var credential = sandbox.Find("myacr.azurecr.io")!;

        Assert.Equal(("<token>", "refresh-token-value", true), (credential.Username, credential.Secret, credential.IsIdentityToken));
    }

    [Fact]
    public void Find_PodmanIdentityToken_TokenUser()
    {
        using var sandbox = new CredentialSandbox();
        sandbox.PodmanAuth("""{"auths":{"quay.io":{"identitytoken":"refresh-token-value"}}}""");

        Assert.Equal(("<token>", "refresh-token-value"), (sandbox.Find("quay.io")!.Username, sandbox.Find("quay.io")!.Secret));
    }

    [Fact]
    public void Find_SeparateUsernameAndPassword_Read()
    {
        using var sandbox = new CredentialSandbox();
        sandbox.DockerConfig($$"""{"auths":{"ghcr.io":{"username":"octocat","password":"{{Secret}}"} } }""");

        var credential = sandbox.Find("ghcr.io")!;

        Assert.Equal(("octocat", Secret), (credential.Username, credential.Secret));
    }

    [Fact]
    public void Find_PasswordWithColons_SplitAtFirstColon()
    {
        using var sandbox = new CredentialSandbox();
        sandbox.DockerConfig($$"""{"auths":{"ghcr.io":{"auth":"{{CredentialSandbox.Auth("octocat", "a:b:c")}}"} } }""");

        var credential = sandbox.Find("ghcr.io")!;

        Assert.Equal(("octocat", "a:b:c"), (credential.Username, credential.Secret));
    }

    [Fact]
    public void Find_EmptyEntryBeforeFullOne_EmptySkipped()
    {
        // docker login with a credsStore leaves "ghcr.io": {} behind.
        using var sandbox = new CredentialSandbox();
        sandbox.DockerConfig($$"""{"auths":{"ghcr.io":{ },"https://ghcr.io":{"auth":"{{CredentialSandbox.Auth("octocat", Secret)}}"} } }""");

        Assert.Equal("octocat", sandbox.Find("ghcr.io")!.Username);
    }

    [Fact]
    public void Find_OnlyEmptyEntry_ReturnsNull()
    {
        using var sandbox = new CredentialSandbox();
        sandbox.DockerConfig("""{"auths":{"ghcr.io":{}}}""");

        Assert.Null(sandbox.Find("ghcr.io"));
    }

    [Fact]
    public void Find_EmptyFile_ReturnsNull()
    {
        using var sandbox = new CredentialSandbox();
        sandbox.DockerConfig("\n");
        sandbox.PodmanAuth("");

        Assert.Null(sandbox.Find("ghcr.io"));
    }

    [Fact]
    public void Find_BrokenEntryOfOtherRegistry_Ignored()
    {
        using var sandbox = new CredentialSandbox();
        sandbox.DockerConfig($$"""{"auths":{"quay.io":{"auth":"!!not base64!!"},"ghcr.io":{"auth":"{{CredentialSandbox.Auth("octocat", Secret)}}"} } }""");

        Assert.Equal("octocat", sandbox.Find("ghcr.io")!.Username);
    }

    [Fact]
    public void Find_DockerConfigNotJson_ThrowsConfigInvalidNamingFileNotContent()
    {
        using var sandbox = new CredentialSandbox();
        var path = sandbox.DockerConfig($$"""{"auths":{"ghcr.io":{"auth":"{{Secret}}" x} }""");

        var exception = Assert.Throws<DrydockException>(() => sandbox.Find("ghcr.io"));

        Assert.Equal(KnownCodes.CredentialConfigInvalid, exception.Code);
        Assert.StartsWith($"The registry credential file '{path}' is not valid JSON (line 1, byte ", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, exception.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Find_PodmanAuthNotJson_ThrowsConfigInvalidNamingFile()
    {
        using var sandbox = new CredentialSandbox();
        var path = sandbox.PodmanAuth("{\"auths\":");

        var exception = Assert.Throws<DrydockException>(() => sandbox.Find("ghcr.io"));

        Assert.Equal(KnownCodes.CredentialConfigInvalid, exception.Code);
        Assert.Contains($"'{path}' is not valid JSON", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Find_AuthNotBase64_ThrowsConfigInvalidNamingEntryNotValue()
    {
        using var sandbox = new CredentialSandbox();
        var path = sandbox.DockerConfig($$"""{"auths":{"https://ghcr.io":{"auth":"{{Secret}}!"} } }""");

        var exception = Assert.Throws<DrydockException>(() => sandbox.Find("ghcr.io"));

        Assert.Equal(KnownCodes.CredentialConfigInvalid, exception.Code);
        Assert.StartsWith($"The registry credential file '{path}' has an entry 'auths.https://ghcr.io.auth' that is not base64.", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, exception.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Find_AuthWithoutColon_ThrowsConfigInvalid()
    {
        using var sandbox = new CredentialSandbox();
        var encoded = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(Secret));
        sandbox.PodmanAuth($$"""{"auths":{"quay.io":{"auth":"{{encoded}}"} } }""");

        var exception = Assert.Throws<DrydockException>(() => sandbox.Find("quay.io"));

        Assert.Equal(KnownCodes.CredentialConfigInvalid, exception.Code);
        Assert.Contains("'auths.quay.io.auth' that is not base64 of 'user:password'", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, exception.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(encoded, exception.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Find_AuthNotUtf8_ThrowsConfigInvalid()
    {
        using var sandbox = new CredentialSandbox();
        var encoded = Convert.ToBase64String([0x75, 0x3a, 0xff, 0xfe]);
        sandbox.DockerConfig($$"""{"auths":{"ghcr.io":{"auth":"{{encoded}}"} } }""");

        var exception = Assert.Throws<DrydockException>(() => sandbox.Find("ghcr.io"));

        Assert.Equal(KnownCodes.CredentialConfigInvalid, exception.Code);
        Assert.Contains("'auths.ghcr.io.auth' that is not base64 of UTF-8 text", exception.Message, StringComparison.Ordinal);
        Assert.Null(exception.InnerException);
    }

    [Theory]
    [InlineData("""{"auths":[]}""", "'auths' that is not a JSON object")]
    [InlineData("""{"auths":{"ghcr.io":"x"}}""", "'auths.ghcr.io' that is not a JSON object")]
    [InlineData("""{"auths":{"ghcr.io":{"auth":42}}}""", "'auths.ghcr.io.auth' that is not a JSON string")]
    [InlineData("""[]""", "is not a JSON object")]
    public void Find_WrongJsonShape_ThrowsConfigInvalidNamingEntry(string json, string expected)
    {
        using var sandbox = new CredentialSandbox();
        sandbox.DockerConfig(json);

        var exception = Assert.Throws<DrydockException>(() => sandbox.Find("ghcr.io"));

        Assert.Equal(KnownCodes.CredentialConfigInvalid, exception.Code);
        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
    }
}
