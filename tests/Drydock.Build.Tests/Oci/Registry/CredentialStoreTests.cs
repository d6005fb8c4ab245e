using Drydock.Build.Diagnostics;
using Drydock.Build.Oci.Registry;

namespace Drydock.Build.Tests.Oci.Registry;

/// <summary>Where the store looks, and in which order: variables, podman's auth.json, docker's config.json.</summary>
public class CredentialStoreTests
{
    [Fact]
    public void Find_NothingConfigured_ReturnsNull()
    {
        using var sandbox = new CredentialSandbox();

        Assert.Null(sandbox.Find("ghcr.io"));
    }

    [Theory]
    [InlineData("DRYDOCK_REGISTRY_USER", "DRYDOCK_REGISTRY_PASSWORD")]
    [InlineData("DOTNET_CONTAINER_REGISTRY_UNAME", "DOTNET_CONTAINER_REGISTRY_PWORD")]
    [InlineData("SDK_CONTAINER_REGISTRY_UNAME", "SDK_CONTAINER_REGISTRY_PWORD")]
    public void Find_VariablePair_AppliesToEveryRegistry(string userVariable, string passwordVariable)
    {
        using var sandbox = new CredentialSandbox();
        sandbox.Environment[userVariable] = "ci-bot";
        sandbox.Environment[passwordVariable] = "s3cr3t-env";

        var ghcr = sandbox.Find("ghcr.io")!;
        var local = sandbox.Find("localhost:5000")!;

        Assert.Equal(("ci-bot", "s3cr3t-env", userVariable), (ghcr.Username, ghcr.Secret, ghcr.Source));
        Assert.Equal(("ci-bot", "s3cr3t-env", userVariable), (local.Username, local.Secret, local.Source));
    }

    [Fact]
    public void Find_AllThreePairs_DrydockWins()
    {
        using var sandbox = new CredentialSandbox();
        sandbox.Environment["DRYDOCK_REGISTRY_USER"] = "drydock";
        sandbox.Environment["DRYDOCK_REGISTRY_PASSWORD"] = "p1";
        sandbox.Environment["DOTNET_CONTAINER_REGISTRY_UNAME"] = "dotnet";
        sandbox.Environment["DOTNET_CONTAINER_REGISTRY_PWORD"] = "p2";
        sandbox.Environment["SDK_CONTAINER_REGISTRY_UNAME"] = "sdk";
        sandbox.Environment["SDK_CONTAINER_REGISTRY_PWORD"] = "p3";

        var credential = sandbox.Find("ghcr.io")!;

        Assert.Equal(("drydock", "p1"), (credential.Username, credential.Secret));
    }

    [Fact]
    public void Find_DotnetAndSdkPairs_DotnetWins()
    {
        using var sandbox = new CredentialSandbox();
        sandbox.Environment["DOTNET_CONTAINER_REGISTRY_UNAME"] = "dotnet";
        sandbox.Environment["DOTNET_CONTAINER_REGISTRY_PWORD"] = "p2";
        sandbox.Environment["SDK_CONTAINER_REGISTRY_UNAME"] = "sdk";
        sandbox.Environment["SDK_CONTAINER_REGISTRY_PWORD"] = "p3";

        var credential = sandbox.Find("ghcr.io")!;

        Assert.Equal(("dotnet", "DOTNET_CONTAINER_REGISTRY_UNAME"), (credential.Username, credential.Source));
    }

    [Theory]
    [InlineData("DRYDOCK_REGISTRY_USER", "DRYDOCK_REGISTRY_PASSWORD")]
    [InlineData("DRYDOCK_REGISTRY_PASSWORD", "DRYDOCK_REGISTRY_USER")]
    [InlineData("DOTNET_CONTAINER_REGISTRY_UNAME", "DOTNET_CONTAINER_REGISTRY_PWORD")]
    [InlineData("DOTNET_CONTAINER_REGISTRY_PWORD", "DOTNET_CONTAINER_REGISTRY_UNAME")]
    [InlineData("SDK_CONTAINER_REGISTRY_UNAME", "SDK_CONTAINER_REGISTRY_PWORD")]
    [InlineData("SDK_CONTAINER_REGISTRY_PWORD", "SDK_CONTAINER_REGISTRY_UNAME")]
    public void Find_HalfAPair_ThrowsConfigInvalidNamingTheMissingVariable(string set, string missing)
    {
        using var sandbox = new CredentialSandbox();
        sandbox.Environment[set] = "half-pair-value";
        sandbox.PodmanAuth($$"""{"auths":{"ghcr.io":{"auth":"{{CredentialSandbox.Auth("podman", "p")}}"} } }""");

        var exception = Assert.Throws<DrydockException>(() => sandbox.Find("ghcr.io"));

        Assert.Equal(KnownCodes.CredentialConfigInvalid, exception.Code);
        Assert.StartsWith($"{set} is set but {missing} is not.", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("half-pair-value", exception.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Find_EmptyVariables_CountAsUnset()
    {
        // CI systems pass a secret the job may not see (a fork's pull request) as "".
        using var sandbox = new CredentialSandbox();
        sandbox.Environment["DRYDOCK_REGISTRY_USER"] = "";
        sandbox.Environment["DRYDOCK_REGISTRY_PASSWORD"] = "";
        sandbox.PodmanAuth($$"""{"auths":{"ghcr.io":{"auth":"{{CredentialSandbox.Auth("podman", "p")}}"} } }""");

        Assert.Equal("podman", sandbox.Find("ghcr.io")!.Username);
    }

    [Fact]
    public void Find_VariablesAndFiles_VariablesWinAndNoHelperRuns()
    {
        using var sandbox = new CredentialSandbox();
        sandbox.Environment["DRYDOCK_REGISTRY_USER"] = "ci-bot";
        sandbox.Environment["DRYDOCK_REGISTRY_PASSWORD"] = "p";
        sandbox.PodmanAuth($$"""{"auths":{"ghcr.io":{"auth":"{{CredentialSandbox.Auth("podman", "p")}}"} } }""");
        sandbox.DockerConfig("""{"credsStore":"not-installed"}""");

        Assert.Equal("DRYDOCK_REGISTRY_USER", sandbox.Find("ghcr.io")!.Source);
    }

    [Fact]
    public void Find_PodmanAndDocker_PodmanWinsAndNoHelperRuns()
    {
        using var sandbox = new CredentialSandbox();
        var podman = sandbox.PodmanAuth($$"""{"auths":{"ghcr.io":{"auth":"{{CredentialSandbox.Auth("podman", "p")}}"} } }""");
        sandbox.DockerConfig($$"""{"credsStore":"not-installed","auths":{"ghcr.io":{"auth":"{{CredentialSandbox.Auth("docker", "d")}}"} } }""");

        var credential = sandbox.Find("ghcr.io")!;

        Assert.Equal(("podman", "p", podman), (credential.Username, credential.Secret, credential.Source));
    }

    [Fact]
    public void Find_PodmanHasOtherRegistryOnly_DockerAnswers()
    {
        using var sandbox = new CredentialSandbox();
        sandbox.PodmanAuth($$"""{"auths":{"quay.io":{"auth":"{{CredentialSandbox.Auth("podman", "p")}}"} } }""");
        var docker = sandbox.DockerConfig($$"""{"auths":{"ghcr.io":{"auth":"{{CredentialSandbox.Auth("docker", "d")}}"} } }""");

        var credential = sandbox.Find("ghcr.io")!;

        Assert.Equal(("docker", "d", docker), (credential.Username, credential.Secret, credential.Source));
    }

    [Fact]
    public void Find_RegistryAuthFile_ReadInsteadOfPodmansDefaults()
    {
        using var sandbox = new CredentialSandbox();
        var authFile = sandbox.Write("elsewhere/auth.json", $$"""{"auths":{"ghcr.io":{"auth":"{{CredentialSandbox.Auth("from-env-file", "p")}}"} } }""");
        sandbox.PodmanAuth($$"""{"auths":{"ghcr.io":{"auth":"{{CredentialSandbox.Auth("default", "p")}}"},"quay.io":{"auth":"{{CredentialSandbox.Auth("default", "p")}}"} } }""");
        sandbox.Environment["REGISTRY_AUTH_FILE"] = authFile;

        var ghcr = sandbox.Find("ghcr.io")!;
        var quay = sandbox.Find("quay.io");

        Assert.Equal(("from-env-file", authFile), (ghcr.Username, ghcr.Source));
        Assert.Null(quay);
    }

    [Fact]
    public void Find_RuntimeDirAndConfigDir_SessionLoginFirstThenLasting()
    {
        using var sandbox = new CredentialSandbox();
        var runtime = sandbox.Write(
            "run/containers/auth.json",
            $$"""{"auths":{"ghcr.io":{"auth":"{{CredentialSandbox.Auth("session", "p")}}"} } }""");
        var lasting = sandbox.PodmanAuth(
            $$"""{"auths":{"ghcr.io":{"auth":"{{CredentialSandbox.Auth("lasting", "p")}}"},"quay.io":{"auth":"{{CredentialSandbox.Auth("lasting", "p")}}"} } }""");
        sandbox.Environment["XDG_RUNTIME_DIR"] = sandbox.PathOf("run");

        var ghcr = sandbox.Find("ghcr.io")!;
        var quay = sandbox.Find("quay.io")!;

        Assert.Equal(("session", runtime), (ghcr.Username, ghcr.Source));
        Assert.Equal(("lasting", lasting), (quay.Username, quay.Source));
    }

    [Fact]
    public void Find_XdgConfigHome_ReplacesDotConfig()
    {
        using var sandbox = new CredentialSandbox();
        var moved = sandbox.Write("xdg/containers/auth.json", $$"""{"auths":{"ghcr.io":{"auth":"{{CredentialSandbox.Auth("moved", "p")}}"} } }""");
        sandbox.PodmanAuth($$"""{"auths":{"ghcr.io":{"auth":"{{CredentialSandbox.Auth("home", "p")}}"} } }""");
        sandbox.Environment["XDG_CONFIG_HOME"] = sandbox.PathOf("xdg");

        Assert.Equal(moved, sandbox.Find("ghcr.io")!.Source);
    }

    [Fact]
    public void Find_DockerConfigVariable_ReadInsteadOfHome()
    {
        using var sandbox = new CredentialSandbox();
        var moved = sandbox.Write("docker-elsewhere/config.json", $$"""{"auths":{"ghcr.io":{"auth":"{{CredentialSandbox.Auth("moved", "p")}}"} } }""");
        sandbox.DockerConfig($$"""{"auths":{"ghcr.io":{"auth":"{{CredentialSandbox.Auth("home", "p")}}"} } }""");
        sandbox.Environment["DOCKER_CONFIG"] = sandbox.PathOf("docker-elsewhere");

        var credential = sandbox.Find("ghcr.io")!;

        Assert.Equal(("moved", moved), (credential.Username, credential.Source));
    }

    [Fact]
    public void ToString_NamesUserAndSourceButNotSecret()
    {
        using var sandbox = new CredentialSandbox();
        sandbox.Environment["DRYDOCK_REGISTRY_USER"] = "ci-bot";
        sandbox.Environment["DRYDOCK_REGISTRY_PASSWORD"] = "s3cr3t-never-shown";

        var text = sandbox.Find("ghcr.io")!.ToString();

        Assert.Equal("ci-bot (from DRYDOCK_REGISTRY_USER)", text);
    }
}
