using System.Diagnostics;
using Drydock.Build.Diagnostics;

namespace Drydock.Build.Tests.Oci.Registry;

/// <summary>docker's credential helpers, as real programs on the PATH the store is given.</summary>
public class CredentialHelperTests
{
    private const string Secret = "h3lper-s3cret";

    [Fact]
    public void Find_CredHelpersEntry_RunsHelperWithGetAndRegistryOnStdin()
    {
        using var sandbox = new CredentialSandbox();
        sandbox.RecordingHelper("test", "octocat", Secret);
        var config = sandbox.DockerConfig("""{"credHelpers":{"ghcr.io":"test"}}""");

        var credential = sandbox.Find("ghcr.io")!;

        Assert.Equal(("octocat", Secret, $"{config} (credHelpers: test)"), (credential.Username, credential.Secret, credential.Source));
        Assert.Equal("get\n", File.ReadAllText(sandbox.PathOf("test.args")));
        Assert.Equal("ghcr.io", File.ReadAllText(sandbox.PathOf("test.stdin")));
    }

    [Fact]
    public void Find_RegistryWithPort_HelperAskedForHostAndPort()
    {
        using var sandbox = new CredentialSandbox();
        sandbox.RecordingHelper("test", "u", Secret);
        sandbox.DockerConfig("""{"credHelpers":{"https://LOCALHOST:5000":"test"}}""");

        sandbox.Find("localhost:5000");

        Assert.Equal("localhost:5000", File.ReadAllText(sandbox.PathOf("test.stdin")));
    }

    [Theory]
    [InlineData("docker.io")]
    [InlineData("index.docker.io")]
    [InlineData("registry-1.docker.io")]
    public void Find_DockerHub_HelperAskedForIndexServerUrl(string registry)
    {
        using var sandbox = new CredentialSandbox();
        sandbox.RecordingHelper("test", "hub-user", Secret);
        sandbox.DockerConfig("""{"credsStore":"test"}""");

        var credential = sandbox.Find(registry)!;

        Assert.Equal("hub-user", credential.Username);
        Assert.Equal("https://index.docker.io/v1/", File.ReadAllText(sandbox.PathOf("test.stdin")));
    }

    [Fact]
    public void Find_CredHelpersKeyForDockerHub_Matches()
    {
        using var sandbox = new CredentialSandbox();
        sandbox.RecordingHelper("hub", "hub-user", Secret);
        sandbox.DockerConfig("""{"credHelpers":{"https://index.docker.io/v1/":"hub"}}""");

        Assert.Equal("hub-user", sandbox.Find("docker.io")!.Username);
    }

    [Fact]
    public void Find_CredsStoreAndCredHelpers_HelperForRegistryWins()
    {
        using var sandbox = new CredentialSandbox();
        sandbox.RecordingHelper("ecr-login", "AWS", Secret);
        sandbox.RecordingHelper("store", "stored", Secret);
        var config = sandbox.DockerConfig("""{"credsStore":"store","credHelpers":{"123.dkr.ecr.eu-west-1.amazonaws.com":"ecr-login"}}""");

        var ecr = sandbox.Find("123.dkr.ecr.eu-west-1.amazonaws.com")!;
        var ghcr = sandbox.Find("ghcr.io")!;

        Assert.Equal(("AWS", $"{config} (credHelpers: ecr-login)"), (ecr.Username, ecr.Source));
        Assert.Equal(("stored", $"{config} (credsStore: store)"), (ghcr.Username, ghcr.Source));
    }

    [Fact]
    public void Find_EmptyCredHelpersEntry_NoHelperForThatRegistry()
    {
        // docker/cli: an empty credHelpers entry sends the registry to the file store despite credsStore.
        using var sandbox = new CredentialSandbox();
        sandbox.DockerConfig($$"""{"credsStore":"not-installed","credHelpers":{"ghcr.io":""},"auths":{"ghcr.io":{"auth":"{{CredentialSandbox.Auth("file-user", Secret)}}"} } }""");

        Assert.Equal("file-user", sandbox.Find("ghcr.io")!.Username);
    }

    [Theory]
    [InlineData("echo 'credentials not found in native keychain'\nexit 1\n")]
    [InlineData("echo 'Credentials not found' >&2\nexit 3\n")]
    [InlineData("printf '%s' '{\"ServerURL\":\"\",\"Username\":\"\",\"Secret\":\"\"}'\n")]
    public void Find_HelperHasNothing_FallsBackToAuths(string script)
    {
        using var sandbox = new CredentialSandbox();
        sandbox.Helper("test", "cat > /dev/null\n" + script);
        var config = sandbox.DockerConfig($$"""{"credsStore":"test","auths":{"ghcr.io":{"auth":"{{CredentialSandbox.Auth("file-user", Secret)}}"} } }""");

        var credential = sandbox.Find("ghcr.io")!;

        Assert.Equal(("file-user", config), (credential.Username, credential.Source));
    }

    [Fact]
    public void Find_HelperHasNothingAndNoAuths_ReturnsNull()
    {
        using var sandbox = new CredentialSandbox();
        sandbox.Helper("test", "echo 'credentials not found in native keychain'\nexit 1\n");
        sandbox.DockerConfig("""{"credsStore":"test"}""");

        Assert.Null(sandbox.Find("ghcr.io"));
    }

    [Fact]
    public void Find_HelperAnswersTokenUser_IdentityToken()
    {
        using var sandbox = new CredentialSandbox();
        sandbox.RecordingHelper("acr", "<token>", Secret);
        sandbox.DockerConfig("""{"credHelpers":{"myacr.azurecr.io":"acr"}}""");

        var credential = sandbox.Find("myacr.azurecr.io")!;

        Assert.Equal((true, Secret), (credential.IsIdentityToken, credential.Secret));
    }

    [Fact]
    public void Find_HelperRunsWithGivenEnvironment()
    {
        using var sandbox = new CredentialSandbox();
        sandbox.Environment["HELPER_TEST_USER"] = "from-environment";
        sandbox.Helper("test", """printf '{"Username":"%s","Secret":"x"}' "$HELPER_TEST_USER" """);
        sandbox.DockerConfig("""{"credsStore":"test"}""");

        Assert.Equal("from-environment", sandbox.Find("ghcr.io")!.Username);
    }

    [Fact]
    public void Find_HelperNotOnPath_ThrowsHelperFailed()
    {
        using var sandbox = new CredentialSandbox();
        var config = sandbox.DockerConfig($$"""{"credHelpers":{"ghcr.io":"missing"},"auths":{"ghcr.io":{"auth":"{{CredentialSandbox.Auth("file-user", Secret)}}"} } }""");

        var exception = Assert.Throws<DrydockException>(() => sandbox.Find("ghcr.io"));

        Assert.Equal(KnownCodes.CredentialHelperFailed, exception.Code);
        Assert.Equal(
            $"The credential helper docker-credential-missing (from {config} (credHelpers: missing)) failed for registry 'ghcr.io': " +
            "'docker-credential-missing' is not on PATH. Install it, or remove the entry. Or set DRYDOCK_REGISTRY_USER and DRYDOCK_REGISTRY_PASSWORD.",
            exception.Message);
    }

    [Fact]
    public void Find_HelperFails_ThrowsHelperFailedWithItsWords()
    {
        using var sandbox = new CredentialSandbox();
        sandbox.Helper("test", "echo 'error getting credentials - token expired' >&2\nexit 2\n");
        sandbox.DockerConfig("""{"credsStore":"test"}""");

        var exception = Assert.Throws<DrydockException>(() => sandbox.Find("quay.io"));

        Assert.Equal(KnownCodes.CredentialHelperFailed, exception.Code);
        Assert.Contains(
            "docker-credential-test (from ", exception.Message, StringComparison.Ordinal);
        Assert.Contains(
            "failed for registry 'quay.io': it exited with code 2: 'error getting credentials - token expired'. Check it with 'echo quay.io | docker-credential-test get'",
            exception.Message,
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json " + Secret)]
    [InlineData("{\"Username\":\"u\",\"Secret\":42,\"Note\":\"" + Secret + "\"}")]
    [InlineData("[\"" + Secret + "\"]")]
    public void Find_HelperPrintsGarbage_ThrowsHelperFailedWithoutQuotingIt(string output)
    {
        using var sandbox = new CredentialSandbox();
        sandbox.Helper("test", $"printf '%s' '{output}'\n");
        sandbox.DockerConfig("""{"credsStore":"test"}""");

        var exception = Assert.Throws<DrydockException>(() => sandbox.Find("ghcr.io"));

        Assert.Equal(KnownCodes.CredentialHelperFailed, exception.Code);
        Assert.Contains("it printed no JSON object with string 'Username' and 'Secret'", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, exception.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Find_HelperNameIsAPath_ThrowsConfigInvalid()
    {
        using var sandbox = new CredentialSandbox();
        sandbox.DockerConfig("""{"credHelpers":{"ghcr.io":"../../tmp/evil"}}""");

        var exception = Assert.Throws<DrydockException>(() => sandbox.Find("ghcr.io"));

        Assert.Equal(KnownCodes.CredentialConfigInvalid, exception.Code);
        Assert.Contains("'credHelpers.ghcr.io' that names a path", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Find_CancelledWhileHelperHangs_ThrowsOperationCanceled()
    {
        using var sandbox = new CredentialSandbox();
        sandbox.Helper("test", "sleep 300\n");
        sandbox.DockerConfig("""{"credsStore":"test"}""");
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var stopwatch = Stopwatch.StartNew();

        Assert.ThrowsAny<OperationCanceledException>(() => sandbox.Find("ghcr.io", cancellation.Token));

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public void Find_HelperNeverReadsStdin_StillAnswers()
    {
        using var sandbox = new CredentialSandbox();
        sandbox.Helper("test", """printf '{"Username":"u","Secret":"s"}'""");
        sandbox.DockerConfig("""{"credsStore":"test"}""");

        Assert.Equal("u", sandbox.Find("ghcr.io")!.Username);
    }
}
