using System.Text;

namespace Drydock.Build.Sbom;

/// <summary>
/// Package URLs (https://github.com/package-url/purl-spec): <c>pkg:type/namespace/name@version?qualifiers</c>,
/// name and version percent-encoded, qualifiers sorted by key.
/// </summary>
public static class Purl
{
    public static string NuGet(string id, string version) => $"pkg:nuget/{Encode(id)}@{Encode(version)}";

    /// <summary><c>pkg:deb/debian/libssl3@3.0.19-1~deb12u2?arch=amd64&amp;distro=debian-12</c> (the purl spec's deb type).</summary>
    public static string Deb(string vendor, string name, string version, string? architecture, string? distro, string? upstream) =>
        Build("deb", vendor, name, version, [("arch", architecture), ("distro", distro), ("upstream", upstream)]);

    /// <summary><c>pkg:oci/aspnet@sha256%3A…?arch=amd64&amp;repository_url=localhost:5000/dotnet/aspnet&amp;tag=10.0</c> (the purl spec's oci type: the name is the repository's last segment, the version the digest).</summary>
    public static string Oci(string repositoryUrl, string digest, string? architecture, string? tag)
    {
        var name = repositoryUrl[(repositoryUrl.LastIndexOf('/') + 1)..].ToLowerInvariant();
        return Build("oci", null, name, digest, [("arch", architecture), ("repository_url", repositoryUrl), ("tag", tag)]);
    }

    private static string Build(string type, string? @namespace, string name, string version, (string Key, string? Value)[] qualifiers)
    {
        var purl = new StringBuilder("pkg:").Append(type).Append('/');
        if (@namespace is { Length: > 0 })
        {
            purl.Append(Encode(@namespace)).Append('/');
        }

        purl.Append(Encode(name)).Append('@').Append(Encode(version));
        var separator = '?';
        foreach (var (key, value) in qualifiers.Where(q => !string.IsNullOrEmpty(q.Value)).OrderBy(q => q.Key, StringComparer.Ordinal))
        {
            purl.Append(separator).Append(key).Append('=').Append(Encode(value!, keep: ":/"));
            separator = '&';
        }

        return purl.ToString();
    }

    /// <summary>Percent-encodes all but RFC 3986's unreserved characters (and <paramref name="keep"/>).</summary>
    private static string Encode(string text, string keep = "")
    {
        var encoded = new StringBuilder(text.Length);
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '~' || keep.Contains(c, StringComparison.Ordinal))
            {
                encoded.Append(c);
            }
            else
            {
                encoded.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return encoded.ToString();
    }
}
