using Drydock.Build.Oci;

namespace Drydock.Build.Tests.Oci;

/// <summary>Real lookups by this machine's resolver: <c>.invalid</c> never resolves (RFC 6761), loopback is never asked.</summary>
public sealed class BaseRegistryCheckTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    [Fact]
    public void Problem_RegistryThatDoesNotResolve_TheResolversError()
    {
        var problem = BaseRegistryCheck.Problem("registry.invalid", _ => null, Bound);

        Assert.False(string.IsNullOrEmpty(problem));
    }

    [Theory]
    [InlineData("localhost:5000")]
    [InlineData("127.0.0.1:5000")]
    [InlineData("[::1]:5000")]
    public void Problem_LoopbackRegistry_None(string registry)
    {
        Assert.Null(BaseRegistryCheck.Problem(registry, _ => null, Bound));
    }

    [Theory]
    [InlineData("HTTPS_PROXY")]
    [InlineData("all_proxy")]
    public void Problem_ThroughAProxy_NotAsked(string variable)
    {
        Assert.Null(BaseRegistryCheck.Problem("registry.invalid", name => name == variable ? "http://proxy.internal:3128" : null, Bound));
    }

    [Theory]
    [InlineData("mcr.microsoft.com", "mcr.microsoft.com")]
    [InlineData("localhost:5000/", "localhost")]
    [InlineData("[fd00::1]:5000", "fd00::1")]
    public void Host_OfTheRegistry(string registry, string host)
    {
        Assert.Equal(host, Drydock.Build.Oci.Registry.RegistryTransport.Host(registry));
    }
}
