using System.Net.Http.Headers;
using Drydock.Build.Oci.Registry;

namespace Drydock.Build.Tests.Oci.Registry;

public sealed class AuthChallengeTests
{
    [Fact]
    public void ReadsADockerHubStyleBearerChallenge()
    {
        var challenge = From("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:samalba/my-app:pull,push\"");

        Assert.True(challenge!.IsBearer);
        Assert.Equal("https://auth.docker.io/token", challenge.Realm);
        Assert.Equal("registry.docker.io", challenge.Service);
        Assert.Equal("repository:samalba/my-app:pull,push", challenge.Scope);
    }

    [Fact]
    public void ReadsUnquotedValuesAndEscapes()
    {
        var parameters = AuthChallenge.ParseParameters("realm=plain, error=\"insufficient_scope\", note=\"a \\\"quoted\\\" word\"");

        Assert.Equal("plain", parameters["realm"]);
        Assert.Equal("insufficient_scope", parameters["ERROR"]);
        Assert.Equal("a \"quoted\" word", parameters["note"]);
    }

    [Fact]
    public void PrefersBearerOverBasicAndIgnoresOtherSchemes()
    {
        var response = new HttpResponseMessage();
        response.Headers.WwwAuthenticate.Add(new AuthenticationHeaderValue("Negotiate"));
        response.Headers.WwwAuthenticate.Add(new AuthenticationHeaderValue("Basic", "realm=\"r\""));
        response.Headers.WwwAuthenticate.Add(new AuthenticationHeaderValue("Bearer", "realm=\"https://t/token\""));

        Assert.Equal("Bearer", AuthChallenge.From(response.Headers.WwwAuthenticate)!.Scheme);
    }

    [Fact]
    public void NoChallengeIsNull()
    {
        using var response = new HttpResponseMessage();
        Assert.Null(AuthChallenge.From(response.Headers.WwwAuthenticate));
    }

    private static AuthChallenge? From(string header)
    {
        using var response = new HttpResponseMessage();
        response.Headers.TryAddWithoutValidation("WWW-Authenticate", header);
        return AuthChallenge.From(response.Headers.WwwAuthenticate);
    }
}
