using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Drydock.Build.Oci;

namespace Drydock.Build.Policy;

/// <summary>
/// The findings of an image, kept on disk by what decides them: the image's manifest digest (which names its
/// config and every layer), the <see cref="LintContext"/>, and the linter's own build (its module version id,
/// so changed rules never answer from an old run). A republish of the same image with the same settings
/// reads its findings here instead of reading the layers and running the rules again. The severity policy
/// (<c>NoWarn</c>, <c>DrydockLintRule</c>, …) is applied after, so it is not part of the key.
/// </summary>
internal sealed class LintResultCache(string directory)
{
    private const int FormatVersion = 1;

    private static readonly Guid LinterBuild = typeof(LintResultCache).Assembly.ManifestModule.ModuleVersionId;

    public IReadOnlyList<Finding>? TryRead(Digest manifest, LintContext context)
    {
        try
        {
            var cached = JsonSerializer.Deserialize(File.ReadAllBytes(PathOf(manifest, context)), LintResultJson.Default.CachedFindings);
            return cached is { Version: FormatVersion, Findings: { } findings } ? findings : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null; // Missing or unreadable: lint again.
        }
    }

    public void Write(Digest manifest, LintContext context, IReadOnlyList<Finding> findings)
    {
        var path = PathOf(manifest, context);
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(new CachedFindings(FormatVersion, [.. findings]), LintResultJson.Default.CachedFindings));
            File.Move(temporary, path, overwrite: true); // Parallel builds never see half a file.
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A cache that cannot be written only costs time next run.
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    /// <summary><c>findings/&lt;sha256 of the key&gt;.json</c>: one file per image and context; earlier ones stay, as base layers' indexes do.</summary>
    private string PathOf(Digest manifest, LintContext context)
    {
        // Every public property of the context, by name, so a new one is part of the key without a change here.
        var key = $"{FormatVersion}\n{LinterBuild}\n{manifest}\n{JsonSerializer.Serialize(context, LintResultJson.Default.LintContext)}";
        return Path.Combine(directory, "findings", $"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))}.json");
    }
}

internal sealed record CachedFindings(int Version, List<Finding> Findings);

/// <summary>Source-generated: no reflection in the task host. Also the findings files LintImage writes and WriteReport reads.</summary>
[JsonSerializable(typeof(CachedFindings))]
[JsonSerializable(typeof(Finding[]))]
[JsonSerializable(typeof(LintContext))]
internal sealed partial class LintResultJson : JsonSerializerContext;
