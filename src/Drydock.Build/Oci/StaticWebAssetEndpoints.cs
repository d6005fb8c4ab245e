using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Drydock.Build.Oci;

/// <summary>
/// The publish folder's static web asset endpoints (<c>&lt;app&gt;.staticwebassets.endpoints.json</c>, which .NET 9+
/// <c>MapStaticAssets</c> serves from) carry each asset's file time as its <c>Last-Modified</c> response header:
/// a checkout's time for the project's own assets, the build's for the <c>.gz</c>/<c>.br</c> ones the SDK compresses
/// in obj/. So every clean build of one commit wrote another file, and another image digest. These values are set
/// to the image's epoch (the commit time, <c>SOURCE_DATE_EPOCH</c>), the time every app file has in the image,
/// as an HTTP date (RFC 9110 §5.6.7). The rest of the file is kept byte for byte; its <c>ETag</c>s are content hashes.
/// </summary>
internal static partial class StaticWebAssetEndpoints
{
    /// <summary>Pins every endpoints manifest at the top of <paramref name="publishDirectory"/>; returns the files it rewrote.</summary>
    public static IReadOnlyList<string> PinInFolder(string publishDirectory, DateTimeOffset epoch)
    {
        var rewritten = new List<string>();
        if (!Directory.Exists(publishDirectory))
        {
            return rewritten;
        }

        foreach (var manifest in Directory.EnumerateFiles(publishDirectory, "*.staticwebassets.endpoints.json", SearchOption.TopDirectoryOnly).Order(StringComparer.Ordinal))
        {
            var text = File.ReadAllText(manifest, Encoding.UTF8);
            var pinned = Pin(text, epoch);
            if (!string.Equals(pinned, text, StringComparison.Ordinal))
            {
                File.WriteAllText(manifest, pinned, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
                rewritten.Add(manifest);
            }
        }

        return rewritten;
    }

    /// <summary>The manifest's text with every <c>Last-Modified</c> response header's value set to <paramref name="epoch"/>.</summary>
    public static string Pin(string manifest, DateTimeOffset epoch)
    {
        var date = DateTimeOffset.FromUnixTimeSeconds(epoch.ToUnixTimeSeconds()).UtcDateTime.ToString("R", CultureInfo.InvariantCulture);
        return LastModified().Replace(manifest, match => match.Groups["head"].Value + date + "\"");
    }

    [GeneratedRegex("""(?<head>"Name"\s*:\s*"Last-Modified"\s*,\s*"Value"\s*:\s*")[^"]*" """, RegexOptions.IgnorePatternWhitespace | RegexOptions.CultureInvariant)]
    private static partial Regex LastModified();
}
