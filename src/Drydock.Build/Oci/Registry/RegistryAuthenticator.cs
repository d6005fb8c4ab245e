using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Drydock.Build.Diagnostics;

namespace Drydock.Build.Oci.Registry;

/// <summary>
/// Answers a registry's challenges for one push: nothing for anonymous registries, the credential as
/// <c>Basic</c>, or a bearer token from the challenge's realm for the push's scopes, fetched again
/// when it expires or the registry stops accepting it. Shared by parallel uploads.
/// </summary>
internal sealed class RegistryAuthenticator(
    HttpClient http, string registry, RegistryCredential? credential, IReadOnlyList<string> scopes, RegistryOptions options) : IDisposable
{
    /// <summary>Tokens are renewed this long before the expiry the token server gave.</summary>
    private static readonly TimeSpan ExpirySlack = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim _renewing = new(1, 1);
    private AuthChallenge? _challenge;
    /// <summary>The refresh token the token server last handed back for an identity token (OAuth 2 rotation); null: the credential's own.</summary>
    private string? _refreshToken;
    private AuthenticationHeaderValue? _header;
    /// <summary>UTC ticks when the token is renewed; read without the lock by parallel uploads, hence a long.</summary>
    private long _renewAt = long.MaxValue;

    /// <summary>The Authorization header to send now; a bearer token about to expire is renewed first.</summary>
    public async Task<AuthenticationHeaderValue?> CurrentAsync(IBuildLog log, CancellationToken cancellationToken)
    {
        var header = _header;
        if (header is not null && DateTime.UtcNow.Ticks >= Interlocked.Read(ref _renewAt) && _challenge is not null)
        {
            await RenewAsync(header, _challenge, log, cancellationToken).ConfigureAwait(false);
        }

        return _header;
    }

    /// <summary>
    /// The registry answered 401 to a request sent with <paramref name="sent"/>: get a header that may
    /// pass. Throws DRY6001 when there are no credentials, or when fresh ones were refused; a token server's
    /// 408/429/5xx or network fault is a <see cref="TransientRegistryException"/> for the caller's one retry loop
    /// (not retried here too: nested loops would multiply the attempts).
    /// </summary>
    /// <param name="renewedForThisRequest">The request already got a header renewed for it: another 401 is a refusal of fresh credentials.</param>
    public async Task RenewAsync(AuthenticationHeaderValue? sent, AuthChallenge? challenge, IBuildLog log, CancellationToken cancellationToken, bool renewedForThisRequest = false)
    {
        await _renewing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!ReferenceEquals(sent, _header))
            {
                return; // another request renewed it meanwhile
            }

            if (challenge is null || !(challenge.IsBasic || challenge.IsBearer))
            {
                throw Unauthorized("it answered 401 without a Basic or Bearer challenge");
            }

            if (renewedForThisRequest && challenge.IsBearer)
            {
                throw Unauthorized($"it refused a token just issued for {string.Join(' ', Scopes(challenge))} ({(credential is null ? "anonymous" : $"from {credential.Source}")}): that login may not do this in that repository");
            }

            _challenge = challenge;
            if (challenge.IsBasic)
            {
                if (sent is not null)
                {
                    throw Unauthorized($"it refused the user name and password from {credential!.Source}");
                }

                _header = new AuthenticationHeaderValue("Basic", BasicValue(credential ?? throw Unauthorized("it asks for a user name and password and none were found")));
                return;
            }

            var (token, lifetime) = await FetchTokenAsync(challenge, cancellationToken).ConfigureAwait(false);
            _header = new AuthenticationHeaderValue("Bearer", token);
            Interlocked.Exchange(ref _renewAt, (DateTime.UtcNow + lifetime - (lifetime / 2 < ExpirySlack ? lifetime / 2 : ExpirySlack)).Ticks);
            log.Detail($"Drydock: {registry}: bearer token for {string.Join(' ', Scopes(challenge))}, valid {lifetime.TotalSeconds:0} s");
        }
        finally
        {
            _renewing.Release();
        }
    }

    public void Dispose() => _renewing.Dispose();

    /// <summary>The repository pushed to, from the first scope (<c>repository:&lt;name&gt;:pull,push</c>), for messages.</summary>
    private string Repository => (scopes.Count > 0 ? scopes[0] : null)?.Split(':') is [_, var name, ..] ? name : "the repository";

    /// <summary>The push needs these scopes and the challenge may name another (e.g. the mount source).</summary>
    private IEnumerable<string> Scopes(AuthChallenge challenge) =>
        scopes.Concat(challenge.Scope is { Length: > 0 } asked ? asked.Split(' ') : []).Distinct(StringComparer.Ordinal);

    private async Task<(string Token, TimeSpan Lifetime)> FetchTokenAsync(AuthChallenge challenge, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(challenge.Realm, UriKind.Absolute, out var realm) || realm.Scheme is not ("https" or "http"))
        {
            throw Protocol($"its Bearer challenge has no usable realm ({MessageText.Quote(challenge.Realm ?? "")})");
        }

        if (credential is not null && realm.Scheme == "http" && !RegistryTransport.AllowsPlainHttp(realm.Authority, options))
        {
            // Never send a password in clear text off this machine.
            throw Protocol($"its token server {realm.Authority} speaks plain HTTP; Drydock sends credentials over plain HTTP only to loopback or to registries listed in DOTNET_CONTAINER_INSECURE_REGISTRIES");
        }

        using var response = await SendTokenRequestAsync(challenge, realm, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw Unauthorized(credential is null
                ? "its token server refuses anonymous access; log in or set DRYDOCK_REGISTRY_USER and DRYDOCK_REGISTRY_PASSWORD"
                : $"its token server refused the credentials from {credential.Source}");
        }

        if (RetryPolicy.IsTransient(response.StatusCode))
        {
            throw new TransientRegistryException($"token server answered {(int)response.StatusCode}", RetryPolicy.RetryAfter(response.Headers.RetryAfter, DateTimeOffset.UtcNow));
        }

        var body = response.IsSuccessStatusCode ? JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)) as JsonObject : null;
        var token = OciJson.GetString(body?["token"]) ?? OciJson.GetString(body?["access_token"]);
        if (string.IsNullOrEmpty(token))
        {
            throw Protocol($"its token server answered {(int)response.StatusCode} without a token");
        }

        // A token server may rotate the refresh token (RFC 6749 6): the next exchange uses the new one.
        if (credential is { IsIdentityToken: true } && OciJson.GetString(body!["refresh_token"]) is { Length: > 0 } rotated)
        {
            _refreshToken = rotated;
        }

        var seconds = body!["expires_in"] is JsonValue value && value.TryGetValue<int>(out var s) && s > 0 ? s : 60;
        return (token, TimeSpan.FromSeconds(seconds));
    }

    /// <summary>
    /// The token request, following up to five redirects itself (the transport does not): the credentials go only
    /// to the realm's own origin, and never from https to http.
    /// </summary>
    private async Task<HttpResponseMessage> SendTokenRequestAsync(AuthChallenge challenge, Uri realm, CancellationToken cancellationToken)
    {
        var uri = credential is { IsIdentityToken: true } ? realm : AddQuery(realm, challenge);
        for (var hop = 0; ; hop++)
        {
            using var request = credential is { IsIdentityToken: true }
                ? new HttpRequestMessage(HttpMethod.Post, uri) { Content = new FormUrlEncodedContent(OAuthForm(challenge, credential)) }
                : new HttpRequestMessage(HttpMethod.Get, uri);
            var sameOrigin = Uri.Compare(uri, realm, UriComponents.SchemeAndServer, UriFormat.UriEscaped, StringComparison.OrdinalIgnoreCase) == 0;
            if (credential is { IsIdentityToken: true } && !sameOrigin)
            {
                // The form carries the refresh token: it does not follow a redirect to another host.
                throw Protocol($"its token server redirected the token exchange to another host ({uri.Authority})");
            }

            if (credential is { IsIdentityToken: false } && sameOrigin)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", BasicValue(credential));
            }

            var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if ((int)response.StatusCode is not (301 or 302 or 303 or 307 or 308) || response.Headers.Location is not { } location || hop >= 5)
            {
                return response;
            }

            using (response)
            {
                var next = new Uri(uri, location);
                if (uri.Scheme == Uri.UriSchemeHttps && next.Scheme != Uri.UriSchemeHttps)
                {
                    throw Protocol($"its token server redirected from https to {next.Scheme}");
                }

                uri = next;
            }
        }
    }

    private Uri AddQuery(Uri realm, AuthChallenge challenge)
    {
        var query = new List<string>();
        if (challenge.Service is { } service)
        {
            query.Add("service=" + Uri.EscapeDataString(service));
        }

        query.AddRange(Scopes(challenge).Select(scope => "scope=" + Uri.EscapeDataString(scope)));
        var separator = string.IsNullOrEmpty(realm.Query) ? "?" : "&";
        return new Uri(realm.AbsoluteUri + (query.Count == 0 ? "" : separator + string.Join('&', query)));
    }

    private IEnumerable<KeyValuePair<string, string>> OAuthForm(AuthChallenge challenge, RegistryCredential identity)
    {
        yield return new("grant_type", "refresh_token");
        yield return new("refresh_token", _refreshToken ?? identity.Secret);
        yield return new("client_id", "drydock");
        yield return new("service", challenge.Service ?? registry);
        yield return new("scope", string.Join(' ', Scopes(challenge)));
    }

    private static string BasicValue(RegistryCredential credential) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credential.Username}:{credential.Secret}"));

    private DrydockException Unauthorized(string why) => new(
        KnownCodes.RegistryUnauthorized,
        $"{registry} refused the push to {Repository}: {why}. Log in (podman login {registry}, docker login {registry}) or set DRYDOCK_REGISTRY_USER and DRYDOCK_REGISTRY_PASSWORD.");

    private DrydockException Protocol(string why) => new(
        KnownCodes.RegistryProtocolError,
        $"{registry} does not follow the registry token protocol: {why}.");
}
