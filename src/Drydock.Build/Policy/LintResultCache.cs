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

    public IReadOnlyList<Finding>? TryRead(Digest manifest, LintContext context) =>
        JsonCacheFile.TryRead(PathOf(manifest, context), LintResultJson.Default.CachedFindings) is { Version: FormatVersion, Findings: { } findings } ? findings : null;

    public void Write(Digest manifest, LintContext context, IReadOnlyList<Finding> findings) =>
        JsonCacheFile.Write(PathOf(manifest, context), new CachedFindings(FormatVersion, [.. findings]), LintResultJson.Default.CachedFindings);

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
