using Drydock.Build.Diagnostics;
using Drydock.Build.Oci.Registry;

namespace Drydock.Build.Tests.Oci.Registry;

/// <summary>Where a registry's API answers and how it names repositories; Docker Hub's aliases are one registry.</summary>
public class RegistryEndpointTests
{
    [Theory]
    [InlineData("docker.io", "docker.io", "registry-1.docker.io")]
    [InlineData("index.docker.io", "docker.io", "registry-1.docker.io")]
    [InlineData("registry-1.docker.io", "docker.io", "registry-1.docker.io")]
    [InlineData("Docker.IO", "docker.io", "registry-1.docker.io")]
    [InlineData("ghcr.io", "ghcr.io", "ghcr.io")]
    [InlineData("123456789012.dkr.ecr.eu-west-1.amazonaws.com", "123456789012.dkr.ecr.eu-west-1.amazonaws.com", "123456789012.dkr.ecr.eu-west-1.amazonaws.com")]
    [InlineData("europe-west1-docker.pkg.dev", "europe-west1-docker.pkg.dev", "europe-west1-docker.pkg.dev")]
    [InlineData("registry.example.com:5443", "registry.example.com:5443", "registry.example.com:5443")]
    [InlineData("localhost:5000", "localhost:5000", "localhost:5000")]
    [InlineData("127.0.0.1:5000", "127.0.0.1:5000", "127.0.0.1:5000")]
    [InlineData("[::1]:5000", "[::1]:5000", "[::1]:5000")]
    public void Parse_NameAndApiHost(string registry, string name, string apiHost)
    {
        var endpoint = RegistryEndpoint.Parse(registry);

        Assert.Equal((name, apiHost), (endpoint.Name, endpoint.ApiHost));
    }

    [Theory]
    [InlineData("docker.io", "app", "library/app")]
    [InlineData("index.docker.io", "app", "library/app")]
    [InlineData("docker.io", "acme/app", "acme/app")]
    [InlineData("ghcr.io", "app", "app")]
    public void Repository_DockerHubOneComponent_UnderLibrary(string registry, string repository, string expected) =>
        Assert.Equal(expected, RegistryEndpoint.Parse(registry).Repository(repository));

    [Theory]
    [InlineData("")]
    [InlineData("https://ghcr.io")]
    [InlineData("ghcr.io/acme")]
    [InlineData("ghcr.io:0")]
    [InlineData("ghcr.io:70000")]
    [InlineData("gh cr.io")]
    [InlineData("-ghcr.io")]
    [InlineData("[nonsense]:5000")]
    [InlineData("ghcr.io\nx.io")]
    public void Parse_NotHostAndPort_DRY2009(string registry)
    {
        var e = Assert.Throws<DrydockException>(() => RegistryEndpoint.Parse(registry));

        Assert.Equal(KnownCodes.InvalidRegistry, e.Code);
        Assert.StartsWith("ContainerRegistry '", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void PushTargets_AliasesAndRepeatsCollapse_EachValidated()
    {
        var targets = PushTarget.List("docker.io", "app", [("index.docker.io", "library/app"), ("ghcr.io", "acme/app"), ("GHCR.io", null), ("ghcr.io", "")]);

        Assert.Equal([new PushTarget("docker.io", "app"), new PushTarget("ghcr.io", "acme/app"), new PushTarget("ghcr.io", "app")], targets);
        Assert.Equal(KnownCodes.InvalidRegistry, Assert.Throws<DrydockException>(() => PushTarget.List("ghcr.io", "app", [("https://quay.io", null)])).Code);
        Assert.Equal(KnownCodes.InvalidRepository, Assert.Throws<DrydockException>(() => PushTarget.List("ghcr.io", "app", [("quay.io", "Team/App")])).Code);
    }
}
