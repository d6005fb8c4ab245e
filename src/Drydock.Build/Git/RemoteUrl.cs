using System.Text.RegularExpressions;

namespace Drydock.Build.Git;

/// <summary>
/// Turns a git remote into the public URL an image label may carry (<c>org.opencontainers.image.source</c>):
/// no user, password, token, query or fragment, no <c>.git</c>. Remote syntaxes are those of git-clone(1), "GIT URLS";
/// the mapping to a web URL follows SourceLink's (dotnet/sourcelink): https stays https with its port, SSH and git
/// transports become https on the host without the SSH port, and Azure DevOps SSH remotes map to their web form.
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
        var host = !keepsPort || IsDefaultPort(scheme, authority) ? WithoutPort(authority) : authority;
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

        if (host.Length == 0 || path.Length == 0)
        {
            return null;
        }

        (host, path) = AzureDevOps(host.ToLowerInvariant(), path);
        var url = $"{scheme}://{host}{path}";

        // A label must hold a URL: a "host" with spaces or other junk (a mistyped remote) gives none.
        return Uri.TryCreate(url, UriKind.Absolute, out var parsed) && parsed.Authority.Equals(host, StringComparison.OrdinalIgnoreCase)
            && !path.Any(char.IsWhiteSpace) && !path.Any(char.IsControl)
            ? url
            : null;
    }

    /// <summary>
    /// Azure DevOps serves its repositories' pages at another place than its SSH remotes name, as SourceLink's
    /// AzureRepos provider maps them: <c>git@ssh.dev.azure.com:v3/org/project/repo</c> is
    /// <c>https://dev.azure.com/org/project/_git/repo</c>, <c>org@vs-ssh.visualstudio.com:v3/org/project/repo</c> is
    /// <c>https://org.visualstudio.com/project/_git/repo</c>, and an old <c>…/_ssh/repo</c> path is <c>…/_git/repo</c>.
    /// https://learn.microsoft.com/azure/devops/repos/git/use-ssh-keys-to-authenticate
    /// </summary>
    private static (string Host, string Path) AzureDevOps(string host, string path)
    {
        var segments = path.Trim('/').Split('/');
        if (segments is ["v3", var org, var project, var repo] && org.Length > 0 && project.Length > 0 && repo.Length > 0)
        {
            if (host == "ssh.dev.azure.com")
            {
                return ("dev.azure.com", $"/{org}/{project}/_git/{repo}");
            }

            if (host == "vs-ssh.visualstudio.com" || host.EndsWith(".vs-ssh.visualstudio.com", StringComparison.Ordinal))
            {
                return ($"{org.ToLowerInvariant()}.visualstudio.com", $"/{project}/_git/{repo}");
            }
        }

        var azure = host == "dev.azure.com" || host.EndsWith(".visualstudio.com", StringComparison.Ordinal);
        return (host, azure ? path.Replace("/_ssh/", "/_git/", StringComparison.Ordinal) : path);
    }

    /// <summary><c>https://host:443</c> is <c>https://host</c>, as a browser writes it.</summary>
    private static bool IsDefaultPort(string scheme, string authority) =>
        (scheme == "https" && authority.EndsWith(":443", StringComparison.Ordinal)) || (scheme == "http" && authority.EndsWith(":80", StringComparison.Ordinal));

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
