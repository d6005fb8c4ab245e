using Drydock.Build.Diagnostics;
using Drydock.Build.Oci;
using Drydock.Build.Runtime;
using Microsoft.Build.Framework;

namespace Drydock.Build.Tasks;

/// <summary>Rewrites the SDK's image archive so that the same commit gives the same manifest digest.</summary>
public sealed class NormalizeImage : DrydockTask
{
    [Required]
    public string SdkArchive { get; set; } = "";

    [Required]
    public string Archive { get; set; } = "";

    /// <summary>RFC 3339: the epoch every app file and config time gets.</summary>
    [Required]
    public string Created { get; set; } = "";

    public string? Registry { get; set; }

    [Required]
    public string Repository { get; set; } = "";

    /// <summary>Semicolon-separated, primary tag first.</summary>
    [Required]
    public string Tags { get; set; } = "";

    /// <summary>
    /// The project's own <c>ContainerArchiveOutputPath</c>, if it set one: it gets a copy of the
    /// normalized archive (a folder gets <c>&lt;repository name&gt;.tar</c>).
    /// </summary>
    public string? RequestedArchive { get; set; }

    /// <summary>Manifest annotations: item = key, metadata <c>Value</c>.</summary>
    public ITaskItem[] Annotations { get; set; } = [];

    /// <summary>
    /// The project's <c>ContainerLabel</c> items (key, metadata <c>Value</c>): put into a multi-platform
    /// image's configs exactly, since the SDK's per-RID builds cut values at <c>:</c> (<see cref="ConfigOverrides"/>).
    /// </summary>
    public ITaskItem[] Labels { get; set; } = [];

    /// <summary>The project's <c>ContainerEnvironmentVariable</c> items, for the same reason.</summary>
    public ITaskItem[] Environment { get; set; } = [];

    /// <summary><c>DrydockLayering</c>: split the app layer (<see cref="LayerPlan"/>); false keeps the SDK's one app layer.</summary>
    public bool Layering { get; set; } = true;

    /// <summary><c>ContainerLayer</c> items: the layer's name, metadata <c>Files</c> = globs relative to the app folder, semicolon-separated.</summary>
    public ITaskItem[] Layers { get; set; } = [];

    /// <summary>Where compressed file data is kept between publishes (<see cref="GzipMemberCache"/>); empty: no cache.</summary>
    public string? GzipCacheDirectory { get; set; }

    /// <summary>
    /// Where the SDK's image of a single-platform publish is recorded (<see cref="SdkImageRecord"/>), under
    /// <see cref="SdkImageKey"/>; empty: not recorded.
    /// </summary>
    public string? SdkImageRecordFile { get; set; }

    /// <summary>The key of the SDK's inputs in this publish (<see cref="ReuseSdkImage"/>).</summary>
    public string? SdkImageKey { get; set; }

    /// <summary>
    /// True when the SDK did not run (<see cref="ReuseSdkImage"/>): its image is made again from <see cref="SdkImageRecordFile"/>,
    /// <see cref="PublishDirectory"/> and the base layers of <see cref="Archive"/>.
    /// </summary>
    public bool SdkImageReused { get; set; }

    public string? PublishDirectory { get; set; }

    protected override void Execute(IBuildLog log, CancellationToken cancellationToken)
    {
        var cache = string.IsNullOrWhiteSpace(GzipCacheDirectory) ? null : new GzipMemberCache(GzipCacheDirectory);
        var options = new NormalizeOptions
        {
            GzipCache = cache,
            Epoch = NormalizeOptions.ParseEpoch(Created),
            // The names runtimes give the image on load.
            Names = ImageName.LocalNames(Registry, Repository, ImageName.SplitTags(Tags)),
            Annotations = Annotations.ToDictionary(item => item.ItemSpec, item => item.GetMetadata("Value"), StringComparer.Ordinal),
        };
        if (!SdkImageReused && OciArchive.ReadIndex(SdkArchive) is not null)
        {
            var index = ImageIndexNormalizer.Normalize(
                SdkArchive,
                Archive,
                options with { Labels = ToDictionary(Labels), Environment = ToDictionary(Environment) },
                (archive, platform, platformLog) => SplitLayers(archive, platform.FileName, cache, platformLog, cancellationToken),
                log,
                cancellationToken);
            log.Detail($"Drydock: normalized image index {index.Index.Digest} ({string.Join(", ", index.Platforms.Select(p => $"{p.Platform} {p.Image.ManifestDigest}"))}) in {index.ArchivePath}");
        }
        else
        {
            var record = SdkImageReused ? SdkImageRecord.Read(SdkImageRecordFile!) ?? throw new InvalidOperationException("The SDK's image record is gone.") : null;
            var sdkImage = record is not null
                ? record.Rebuild(PublishDirectory!, SdkArchive, Archive, cancellationToken)
                : LayerSplitter.SpoolAppLayer(OciArchive.Open(SdkArchive), cancellationToken);
            var appEntries = sdkImage.AppLayer?.Entries.Select(entry => entry.Item).ToList();
            // The label and environment values of this commit, which a reused SDK config holds from an earlier one.
            var image = ImageNormalizer.Normalize(
                Layering && sdkImage.AppLayer is not null ? LayerSplitter.Split(sdkImage, LayerRules(), IntermediateArchive("image"), log, cancellationToken, cache) : sdkImage,
                Archive,
                options with { Labels = ToDictionary(Labels), Environment = ToDictionary(Environment) },
                log,
                cancellationToken);
            log.Detail($"Drydock: normalized image {image.ManifestDigest} ({image.TotalSize} bytes) in {image.ArchivePath}");
            RecordSdkImage(record, image.ManifestDigest, sdkImage.Archive, appEntries);
        }

        cache?.Prune();
        if (!string.IsNullOrWhiteSpace(RequestedArchive))
        {
            var copy = RequestedArchivePath(RequestedArchive, Repository);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(copy))!);
            File.Copy(Archive, copy, overwrite: true);
            Log.LogMessage(MessageImportance.High, "Drydock: image archive copied to {0} (ContainerArchiveOutputPath)", copy);
        }
    }

    /// <summary>The SDK's image with its app layer split (<see cref="LayerSplitter"/>), or as it is.</summary>
    private SplitImage SplitLayers(OciArchive archive, string name, GzipMemberCache? cache, IBuildLog log, CancellationToken cancellationToken)
    {
        if (!Layering)
        {
            log.Detail("Drydock: layers: DrydockLayering=false, the SDK's one app layer");
            return new SplitImage(archive, null);
        }

        return LayerSplitter.Split(archive, LayerRules(), IntermediateArchive(name), log, cancellationToken, cache);
    }

    private List<LayerRule> LayerRules() => Layers
        .GroupBy(item => item.ItemSpec, StringComparer.Ordinal)
        .Select(group => new LayerRule(group.Key, group.SelectMany(item => item.GetMetadata("Files").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList()))
        .ToList();

    private string IntermediateArchive(string name) => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(SdkArchive))!, $"split-{name}.tar");

    /// <summary>
    /// Records the SDK's image for the next publish (<see cref="SdkImageRecord"/>), now that the archive it names is
    /// written; a reused record now names this archive. No record when the SDK's app layer is not one it can rebuild.
    /// </summary>
    private void RecordSdkImage(SdkImageRecord? reused, Digest image, OciArchive sdk, List<TarItem>? appEntries)
    {
        if (string.IsNullOrWhiteSpace(SdkImageRecordFile))
        {
            return;
        }

        var record = reused is not null
            ? reused.WithImage(image)
            : appEntries is null ? null : SdkImageRecord.Create(SdkImageKey ?? "", image, sdk, appEntries);
        if (record is null)
        {
            File.Delete(SdkImageRecordFile);
        }
        else
        {
            record.Write(SdkImageRecordFile);
        }
    }

    // Later items win, as the SDK's own ContainerLabel handling does.
    private static Dictionary<string, string> ToDictionary(ITaskItem[] items)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            result[item.ItemSpec] = item.GetMetadata("Value");
        }

        return result;
    }

    /// <summary>As the SDK reads <c>ContainerArchiveOutputPath</c>: a folder (existing, or ending in a separator) or a file.</summary>
    internal static string RequestedArchivePath(string requested, string repository) =>
        Directory.Exists(requested) || requested.EndsWith('/') || requested.EndsWith('\\')
            ? Path.Combine(requested, repository[(repository.LastIndexOf('/') + 1)..] + ".tar")
            : requested;
}
