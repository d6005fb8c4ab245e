using Drydock.Build.Oci;
using Drydock.Build.Policy.Rules;

namespace Drydock.Build.Policy;

/// <summary>
/// Checks a built image for hardening mistakes, from its config and layers alone (no container runs).
/// Every layer is read once, streamed; the rules then work on what was collected.
/// </summary>
public static class ImageLinter
{
    /// <summary>Beyond this many findings of one code, the rest are counted, not listed: 500 world-writable files are one mistake.</summary>
    internal const int MaxFindingsPerCode = 10;

    private static readonly ILintRule[] Rules =
    [
        new RootUserRule(),
        new DevelopmentBuildRule(),
        new SecretRule(),
        new SensitiveFileRule(),
        new SetuidFileRule(),
        new WorldWritableFileRule(),
        new PortsRule(),
        new IcuRule(),
        new MinimalBaseRule(),
        new UnpinnedBaseRule(),
        new SizeBudgetRule(),
        new EntrypointAccessRule(),
        new DebugSymbolsRule(),
    ];

    /// <summary>Opens the archive (DRY3001/DRY3002 when missing or invalid) and lints it.</summary>
    public static IReadOnlyList<Finding> Lint(string archivePath, LintContext context, string? layerCacheDirectory = null, CancellationToken cancellationToken = default) =>
        Lint(OciArchive.Open(archivePath), context, layerCacheDirectory, cancellationToken);

    /// <summary>
    /// The findings, in rule order. App layers are the ones the SDK added (see
    /// <see cref="ImageNormalizer.CountAppLayers"/>); when the history does not tell, e.g. for an image
    /// another tool built, every layer is treated as the app's. With <paramref name="layerCacheDirectory"/>,
    /// what was found in each base layer is kept there by digest, and later runs read no base layer again;
    /// and the findings are kept by image digest and context (<see cref="LintResultCache"/>), so a republish of
    /// the same image reads no layer at all.
    /// </summary>
    public static IReadOnlyList<Finding> Lint(OciArchive archive, LintContext context, string? layerCacheDirectory = null, CancellationToken cancellationToken = default)
    {
        var results = string.IsNullOrEmpty(layerCacheDirectory) ? null : new LintResultCache(layerCacheDirectory);
        if (results?.TryRead(archive.ManifestDescriptor.Digest, context) is { } cached)
        {
            return cached;
        }

        var appLayers = ImageNormalizer.CountAppLayers(archive.Config, archive.Layers.Count) ?? archive.Layers.Count;
        var cache = string.IsNullOrEmpty(layerCacheDirectory) ? null : new LayerIndexCache(layerCacheDirectory);
        var files = ImageFileSystem.Read(archive, archive.Layers.Count - appLayers, cache, cancellationToken);
        var subject = new LintSubject(archive.Config, archive.Layers, files, context);
        var findings = Rules.SelectMany(rule => Capped(rule.Check(subject))).ToList();
        results?.Write(archive.ManifestDescriptor.Digest, context, findings);
        return findings;
    }

    private static IEnumerable<Finding> Capped(IEnumerable<Finding> findings) =>
        findings.GroupBy(finding => finding.Code).SelectMany(group =>
        {
            var all = group.ToList();
            if (all.Count <= MaxFindingsPerCode)
            {
                return all;
            }

            var last = all[MaxFindingsPerCode - 1];
            var more = all.Count - MaxFindingsPerCode;
            return all.Take(MaxFindingsPerCode - 1).Append(last with { Message = $"{last.Message} ({more} more like it not listed)" });
        });
}
