using System.Text.Json;
using System.Text.Json.Nodes;

namespace Drydock.Build.Sbom;

/// <summary>One Debian (or Ubuntu) binary package an image holds, as its package metadata names it.</summary>
/// <param name="Architecture"><c>amd64</c>, <c>arm64</c>, <c>all</c>; empty when the metadata does not say.</param>
/// <param name="Source">The source package when it differs from the binary package's name (dpkg's <c>Source:</c> without its version).</param>
public sealed record DebianPackage(string Name, string Version, string Architecture, string? Source);

/// <summary>
/// Reads the package metadata of Debian-family images: dpkg's status database
/// (https://man7.org/linux/man-pages/man1/dpkg-query.1.html, deb-control(5) stanzas: <c>/var/lib/dpkg/status</c>,
/// and distroless's one-file-per-package <c>/var/lib/dpkg/status.d/*</c>) and Ubuntu chisel's jsonwall
/// manifest (<c>/var/lib/chisel/manifest.wall</c>, https://github.com/canonical/chisel: a header line, then
/// one JSON object per line; <c>"kind":"package"</c> lines name a package).
/// </summary>
public static class DebianPackages
{
    /// <summary>The installed packages of a status file (every stanza with a name and a version whose <c>Status</c>, if any, ends in <c>installed</c>).</summary>
    public static IEnumerable<DebianPackage> FromDpkgStatus(string text)
    {
        foreach (var stanza in Stanzas(text))
        {
            if (stanza.GetValueOrDefault("Package") is not { Length: > 0 } name || stanza.GetValueOrDefault("Version") is not { Length: > 0 } version)
            {
                continue;
            }

            if (stanza.TryGetValue("Status", out var status) && !status.EndsWith(" installed", StringComparison.Ordinal))
            {
                continue;
            }

            // "Source: openssl (3.0.2-1)" names the source package and, when it differs, its version.
            var source = stanza.GetValueOrDefault("Source")?.Split(' ', 2)[0];
            yield return new DebianPackage(name, version, stanza.GetValueOrDefault("Architecture") ?? "", source is { Length: > 0 } && source != name ? source : null);
        }
    }

    /// <summary>The packages of an (uncompressed) chisel manifest; lines that are not package entries are skipped.</summary>
    public static IEnumerable<DebianPackage> FromChiselManifest(string text)
    {
        foreach (var line in text.Split('\n'))
        {
            if (!line.Contains("\"package\"", StringComparison.Ordinal))
            {
                continue;
            }

            JsonObject? entry;
            try
            {
                entry = JsonNode.Parse(line) as JsonObject;
            }
            catch (JsonException)
            {
                continue;
            }

            if (Text(entry?["kind"]) == "package" && Text(entry?["name"]) is { Length: > 0 } name && Text(entry?["version"]) is { Length: > 0 } version)
            {
                yield return new DebianPackage(name, version, Text(entry?["arch"]) ?? "", null);
            }
        }
    }

    private static string? Text(JsonNode? node) => node?.GetValueKind() == JsonValueKind.String ? (string)node! : null;

    /// <summary>deb-control(5): stanzas separated by blank lines, <c>Field: value</c>, continuation lines start with a space or tab.</summary>
    private static IEnumerable<Dictionary<string, string>> Stanzas(string text)
    {
        var stanza = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Trim().Length == 0)
            {
                if (stanza.Count > 0)
                {
                    yield return stanza;
                    stanza = new(StringComparer.OrdinalIgnoreCase);
                }

                continue;
            }

            if (line[0] is ' ' or '\t' || line[0] == '#')
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                stanza[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }

        if (stanza.Count > 0)
        {
            yield return stanza;
        }
    }
}
