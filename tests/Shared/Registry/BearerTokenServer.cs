using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Web;

namespace Drydock.Tests.Registry;

/// <summary>
/// The token-server half of <see cref="RegistryProxy"/>'s bearer mode: issues random tokens for the
/// scopes asked and checks them on registry requests, the way Docker Hub and most cloud registries
/// do. Spec: https://distribution.github.io/distribution/spec/auth/token/ (GET) and
/// https://distribution.github.io/distribution/spec/auth/oauth/ (POST).
/// </summary>
internal sealed partial class BearerTokenServer(string realm, string service, (string User, string Password)? credentials)
{
    private readonly object gate = new();
    private readonly Dictionary<string, Grant> accessTokens = new(StringComparer.Ordinal);
    private readonly HashSet<string> refreshTokens = new(StringComparer.Ordinal);
    private readonly List<TokenRequest> requests = [];

    public string Realm { get; } = realm;

    public string Service { get; } = service;

    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Which field carries the token: both (<c>token</c> and <c>access_token</c>, as Docker Hub answers), or one of them
    /// (ACR answers <c>access_token</c> only). https://distribution.github.io/distribution/spec/auth/token/#token-response-fields
    /// </summary>
    public string[] TokenFields { get; set; } = ["token", "access_token"];

    /// <summary>Leave out <c>expires_in</c>: the client must assume 60 seconds.</summary>
    public bool OmitExpiresIn { get; set; }

    public IReadOnlyList<TokenRequest> Requests
    {
        get
        {
            lock (gate)
            {
                return [.. requests];
            }
        }
    }

    /// <summary>Forgets every access token issued so far; refresh tokens stay good.</summary>
    public void ExpireTokens()
    {
        lock (gate)
        {
            accessTokens.Clear();
        }
    }

    public void ClearRequests()
    {
        lock (gate)
        {
            requests.Clear();
        }
    }

    /// <summary>
    /// Whether the request's <c>Authorization</c> carries a live token for what the request needs;
    /// if not, the <c>WWW-Authenticate</c> challenge to answer with.
    /// </summary>
    public bool Authorize(string method, string path, string? authorization, out string challenge)
    {
        var needed = Needed(method, path);
        challenge = needed is null
            ? $"Bearer realm=\"{Realm}\",service=\"{Service}\""
            : $"Bearer realm=\"{Realm}\",service=\"{Service}\",scope=\"{needed.Value.Scope}\"";

        if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        lock (gate)
        {
            if (!accessTokens.TryGetValue(authorization["Bearer ".Length..].Trim(), out var grant)
                || grant.Age.Elapsed >= TokenLifetime)
            {
                return false;
            }

            return needed is not { } need || grant.Scopes.Any(scope => Allows(scope, need.Resource, need.Action));
        }
    }

    /// <summary>Answers <c>GET /token?service=…&amp;scope=…</c> or <c>POST /token</c> with a form body.</summary>
    public (int Status, string Json) HandleTokenRequest(string method, string target, string? authorization, string formBody)
    {
        var query = HttpUtility.ParseQueryString(target.Contains('?', StringComparison.Ordinal) ? target.Split('?', 2)[1] : string.Empty);
        var basic = ParseBasic(authorization);
        (int Status, string Json) result;
        string? grantType = null;
        string[] scopes;

        if (string.Equals(method, "POST", StringComparison.OrdinalIgnoreCase))
        {
            var form = HttpUtility.ParseQueryString(formBody);
            grantType = form["grant_type"];
            scopes = (form["scope"] ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            result = grantType switch
            {
                "password" when CredentialsMatch((form["username"], form["password"])) => Issue(scopes, withRefreshToken: true),
                "password" => Error(401, "invalid_grant", "bad username or password"),
                "refresh_token" when IsRefreshToken(form["refresh_token"]) => Issue(scopes, withRefreshToken: false, form["refresh_token"]),
                "refresh_token" => Error(401, "invalid_grant", "unknown refresh token"),
                _ => Error(400, "unsupported_grant_type", $"grant_type '{grantType}' is not supported"),
            };
        }
        else
        {
            scopes = query.GetValues("scope") ?? [];
            var offline = string.Equals(query["offline_token"], "true", StringComparison.OrdinalIgnoreCase);
            result = credentials is null || CredentialsMatch(basic)
                ? Issue(scopes, withRefreshToken: offline)
                : Error(401, "UNAUTHORIZED", "authentication required");
        }

        lock (gate)
        {
            requests.Add(new TokenRequest(method, grantType, scopes, basic is not null, result.Status));
        }

        return result;
    }

    private (int, string) Issue(IReadOnlyList<string> scopes, bool withRefreshToken, string? refreshToken = null)
    {
        var token = NewToken();
        lock (gate)
        {
            accessTokens[token] = new Grant([.. scopes], Stopwatch.StartNew());
            if (withRefreshToken)
            {
                refreshToken = NewToken();
                refreshTokens.Add(refreshToken);
            }
        }

        var body = new Dictionary<string, object>
        {
            ["issued_at"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["scope"] = string.Join(' ', scopes),
        };
        foreach (var field in TokenFields)
        {
            body[field] = token;
        }

        if (!OmitExpiresIn)
        {
            body["expires_in"] = (int)TokenLifetime.TotalSeconds;
        }
        if (refreshToken is not null)
        {
            body["refresh_token"] = refreshToken;
        }

        return (200, JsonSerializer.Serialize(body));
    }

    private static (int, string) Error(int status, string code, string description) =>
        (status, JsonSerializer.Serialize(new Dictionary<string, string> { ["error"] = code, ["error_description"] = description }));

    private bool IsRefreshToken(string? token)
    {
        lock (gate)
        {
            return token is not null && refreshTokens.Contains(token);
        }
    }

    private bool CredentialsMatch((string? User, string? Password)? presented) =>
        credentials is not { } expected
        || (presented is { } given && given.User == expected.User && given.Password == expected.Password);

    private static (string? User, string? Password)? ParseBasic(string? authorization)
    {
        if (authorization is null || !authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..].Trim())).Split(':', 2);
            return (pair[0], pair.Length > 1 ? pair[1] : string.Empty);
        }
        catch (FormatException)
        {
            return (null, null);
        }
    }

    /// <summary>
    /// What a registry API request needs: <c>repository:NAME:pull</c> to read, <c>…:push</c> to
    /// write; <c>registry:catalog:*</c> for the catalog; nothing but a valid token for <c>/v2/</c>.
    /// The challenge offers <c>pull,push</c> for repositories, so one token covers a whole push.
    /// </summary>
    private static (string Scope, string Resource, string Action)? Needed(string method, string path)
    {
        if (path == "/v2/_catalog")
        {
            return ("registry:catalog:*", "registry:catalog", "*");
        }

        var match = RepositoryPath().Match(path);
        if (!match.Success)
        {
            return null;
        }

        var name = match.Groups["name"].Value;
        var action = method is "GET" or "HEAD" ? "pull" : "push";
        return ($"repository:{name}:pull,push", $"repository:{name}", action);
    }

    private static bool Allows(string scope, string resource, string action)
    {
        var lastColon = scope.LastIndexOf(':');
        return lastColon > 0
            && scope[..lastColon] == resource
            && scope[(lastColon + 1)..].Split(',').Any(granted => granted == action || granted == "*");
    }

    private static string NewToken() => Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();

    [GeneratedRegex("^/v2/(?<name>.+?)/(?:blobs|manifests|tags|referrers)/", RegexOptions.CultureInvariant)]
    private static partial Regex RepositoryPath();

    private sealed record Grant(IReadOnlyList<string> Scopes, Stopwatch Age);
}
