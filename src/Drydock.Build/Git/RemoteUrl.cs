using System.Text.RegularExpressions;

namespace Drydock.Build.Git;

/// <summary>
/// Turns a git remote into the public URL an image label may carry (<c>org.opencontainers.image.source</c>):
/// no user, password, token, query or fragment, no <c>.git</c>. Remote syntaxes are those of git-clone(1), "GIT URLS".
/// </summary>
public static partial class RemoteUrl
{
    /// <summary>
    /// <c>https://user:token@host/org/repo.git</c>, <c>git@host:org/repo</c>, <c>user:token@host:org/repo</c> and
    /// <c>ssh://git@host:22/org/repo.git</c> all give <c>https://host/org/repo</c>; an <c>http://</c> remote stays
    /// http (the server may not speak https). Local paths, <c>file://</c> and other transports give null.
    /// </summary>
    public static string? ToPublicHttps(string? remote)
    {
        if (string.IsNullOrWhiteSpace(remote))
        {
            return null;
        }

        remote = remote.Trim();
        var schemeEnd = remote.IndexOf("://", StringComparison.Ordinal);
        return schemeEnd >= 0
            ? FromUrl(remote[..schemeEnd].ToLowerInvariant(), remote[(schemeEnd + 3)..])
            : FromScpLike(remote);
    }

    /// <summary>Removes what could be a credential from free text, such as git's stderr, which echoes remotes.</summary>
    internal static string Scrub(string text)
    {
        text = UrlUserInfoPattern().Replace(text, "");
        text = ScpUserInfoPattern().Replace(text, "");
        return QueryPattern().Replace(text, "");
    }

    private static string? FromUrl(string scheme, string rest)
    {
        var keepsPort = scheme is "https" or "http";
        if (!keepsPort && scheme is not ("ssh" or "git" or "git+ssh" or "ssh+git"))
        {
            return null;
        }

        // RFC 3986: the authority ends at the first '/', '?' or '#', and its user info at its last '@'. People paste
        // tokens raw, though, and a raw '/', '?' or '#' in a password would end the authority early and put the rest
        // of the password into the path. An '@' after the authority is the sign of that: give no URL rather than
        // risk one with part of a password in it (a real path or query with an '@' is rare).
        var authorityEnd = rest.IndexOfAny(['/', '?', '#']);
        var authority = authorityEnd < 0 ? rest : rest[..authorityEnd];
        var path = authorityEnd < 0 ? "" : rest[authorityEnd..];
        if (path.Contains('@', StringComparison.Ordinal))
        {
            return null;
        }

        authority = authority[(authority.LastIndexOf('@') + 1)..];
        var host = keepsPort ? authority : WithoutPort(authority);
        return Compose(keepsPort ? scheme : "https", host, path);
    }

    private static string? FromScpLike(string remote)
    {
        // git-clone(1): "This syntax is only recognized if there are no slashes before the first colon", and a
        // drive letter (C:\repo) is a local path.
        var colon = remote.IndexOf(':', StringComparison.Ordinal);
        var slash = remote.IndexOfAny(['/', '\\']);
        if (colon <= 1 || (slash >= 0 && slash < colon))
        {
            return null;
        }

        // [user[:password]@]host:path, where the password and the path may both hold '@' and ':'. Take the last
        // '@' that is followed by host ':' so that no part of a password can end up in the host or the path.
        for (var at = remote.LastIndexOf('@'); ; at = remote.LastIndexOf('@', at - 1))
        {
            var hostAndPath = remote[(at + 1)..];
            var hostEnd = hostAndPath.IndexOf(':', StringComparison.Ordinal);
            var hostSlash = hostAndPath.IndexOf('/', StringComparison.Ordinal);
            if (hostEnd > 0 && (hostSlash < 0 || hostEnd < hostSlash))
            {
                return Compose("https", hostAndPath[..hostEnd], "/" + hostAndPath[(hostEnd + 1)..].TrimStart('/'));
            }

            if (at <= 0)
            {
                return null;
            }
        }
    }

    private static string? Compose(string scheme, string host, string path)
    {
        var end = path.IndexOfAny(['?', '#']);
        if (end >= 0)
        {
            path = path[..end];
        }

        path = path.TrimEnd('/');
        if (path.EndsWith(".git", StringComparison.OrdinalIgnoreCase))
        {
            path = path[..^4].TrimEnd('/');
        }

        return host.Length == 0 || path.Length == 0 ? null : $"{scheme}://{host.ToLowerInvariant()}{path}";
    }

    private static string WithoutPort(string authority)
    {
        // [::1]:22 keeps its brackets; host:22 loses the port, which is the ssh port, not an https one.
        var portColon = authority.LastIndexOf(':');
        return portColon > authority.LastIndexOf(']') ? authority[..portColon] : authority;
    }

    // scheme://user:password@ up to the last '@' of the word.
    [GeneratedRegex(@"(?<=[A-Za-z][A-Za-z0-9+.\-]*://)[^\s'""]*@")]
    private static partial Regex UrlUserInfoPattern();

    // user:password@host:path, a word that starts with user ':'.
    [GeneratedRegex(@"(?<=^|[\s'""(])[^\s'""/:@]+:[^\s'""]*@")]
    private static partial Regex ScpUserInfoPattern();

    // Tokens travel in query strings (?access_token=…) as well.
    [GeneratedRegex(@"(?<=://[^\s'""]*)[?#][^\s'""]*")]
    private static partial Regex QueryPattern();
}
