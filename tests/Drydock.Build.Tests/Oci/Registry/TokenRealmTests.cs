using Drydock.Build.Diagnostics;
using Drydock.Build.Oci.Registry;
using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Oci.Registry;

/// <summary>Where a bearer challenge may send the credentials (loopback realms: see RegistryFaults' bearer tests).</summary>
public sealed class TokenRealmTests
{
    private static readonly RegistryCredential Credential = new("deploy", "s3cret-value", "test");

    [Theory]
    [InlineData("http://auth.example.com/token")]
    [InlineData("ftp://auth.example.com/token")]
    [InlineData("not a url")]
    public async Task CredentialsNeverGoToAPlainHttpOrUnusableRealm(string realm)
    {
        using var http = new HttpClient();
        using var auth = new RegistryAuthenticator(http, "registry.example.com", Credential, ["repository:app:pull,push"], new RegistryOptions());
        var challenge = new AuthChallenge("Bearer", new Dictionary<string, string> { ["realm"] = realm, ["service"] = "registry" });

        var error = await Assert.ThrowsAsync<DrydockException>(() => auth.RenewAsync(null, challenge, new ListBuildLog(), CancellationToken.None));

        Assert.Equal(KnownCodes.RegistryProtocolError, error.Code);
        Assert.DoesNotContain("s3cret-value", error.Message);
    }
}
