using Drydock.Build.Oci.Registry;

namespace Drydock.Build.Tests.Oci.Registry;

public sealed class RegistryTransportTests
{
    [Theory]
    [InlineData("localhost:5000", true)]
    [InlineData("LOCALHOST", true)]
    [InlineData("127.0.0.1:5000", true)]
    [InlineData("127.1.2.3", true)]
    [InlineData("[::1]:5000", true)]
    [InlineData("registry.example.com:5000", false)]
    [InlineData("localhost.example.com", false)]
    [InlineData("10.0.0.1:5000", false)]
    public void OnlyLoopbackIsLoopback(string registry, bool loopback) =>
        Assert.Equal(loopback, RegistryTransport.IsLoopback(registry));

    [Fact]
    public void PlainHttpOnlyForLoopbackOrListedRegistries()
    {
        var options = RegistryOptions.FromEnvironment(
            new Dictionary<string, string?> { ["DOTNET_CONTAINER_INSECURE_REGISTRIES"] = "lab.internal:5000, other.internal" },
            "/home/someone");

        Assert.True(RegistryTransport.AllowsPlainHttp("localhost:5000", options));
        Assert.True(RegistryTransport.AllowsPlainHttp("lab.internal:5000", options));
        Assert.True(RegistryTransport.AllowsPlainHttp("other.internal", options));
        Assert.False(RegistryTransport.AllowsPlainHttp("lab.internal:5001", options));
        Assert.False(RegistryTransport.AllowsPlainHttp("ghcr.io", options));
    }

    [Fact]
    public void ReadsPodmanAndDockerCertsDirectories()
    {
        var options = RegistryOptions.FromEnvironment(new Dictionary<string, string?>(), "/home/someone");

        Assert.Equal(["/home/someone/.config/containers/certs.d", "/etc/containers/certs.d", "/etc/docker/certs.d"], options.CertificateDirectories);
    }
}
