namespace Drydock.Build.Metadata;

/// <summary>
/// Turns a remote or repository URL into the web address <c>org.opencontainers.image.source</c> holds
/// (https://github.com/opencontainers/image-spec/blob/main/annotations.md): no user, password or
/// token, no query or fragment (tokens hide there too), no trailing <c>.git</c>, so a local clone
/// and a CI run of one repository give the same value.
/// </summary>
public static class SourceUrl
{
    /// <summary>
    /// The credential-free URL, or <see langword="null"/> for anything that is not a network remote
    /// (a local path, <c>file://</c>). ssh, <c>git://</c> and scp-like <c>user@host:org/repo</c>
    /// become https on the same host; http stays http, since a guessed https address may not exist.
    /// </summary>
    public static string? Normalize(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return null;
        }

        url = url.Trim();
        return url.Contains("://", StringComparison.Ordinal) ? FromUri(url) : FromScpLike(url);
    }

    private static string? FromUri(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
        {
            return null;
        }

        var (scheme, keepPort) = uri.Scheme switch
        {
            "https" => ("https", true),
            "http" => ("http", true),
            // The ssh or git daemon port says nothing about the web server's port.
            "ssh" or "git" or "git+ssh" or "ssh+git" => ("https", false),
            _ => (null, false),
        };
        if (scheme is null)
        {
            return null;
        }

        var port = keepPort && !uri.IsDefaultPort ? $":{uri.Port}" : "";
        return Build(scheme, uri.Host + port, uri.AbsolutePath);
    }

    // git's scp-like syntax "[user@]host:path" applies when no slash comes before the first colon
    // (https://git-scm.com/docs/git-clone#_git_urls). The user part may hold "user:token".
    private static string? FromScpLike(string url)
    {
        var at = url.LastIndexOf('@');
        var hostAndPath = at < 0 ? url : url[(at + 1)..];
        var colon = hostAndPath.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 1 || hostAndPath[..colon].Contains('/', StringComparison.Ordinal) || (at >= 0 && url[..at].Contains('/', StringComparison.Ordinal)))
        {
            // No host, a one-letter "host" (a Windows drive, C:\repo) or a local path.
            return null;
        }

        var path = hostAndPath[(colon + 1)..];
        return path.Length == 0 || path.StartsWith('\\') ? null : Build("https", hostAndPath[..colon], "/" + path.TrimStart('/'));
    }

    private static string? Build(string scheme, string authority, string path)
    {
        path = path.TrimEnd('/');
        if (path.EndsWith(".git", StringComparison.OrdinalIgnoreCase))
        {
            path = path[..^".git".Length];
        }

        var candidate = $"{scheme}://{authority}{path}";
        return Uri.TryCreate(candidate, UriKind.Absolute, out var checkedUri) && checkedUri.UserInfo.Length == 0 ? candidate : null;
    }
}
