using System.Reflection;
using Drydock.Build.Diagnostics;
using Drydock.Build.Oci;
using Drydock.Build.Sbom;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Drydock.Build.Tasks;

/// <summary>
/// Writes a CycloneDX 1.6 SBOM (<see cref="CycloneDxBom"/>) for each image manifest of <see cref="Archive"/>
/// to the file <see cref="Sboms"/> names for it, and for the index of a multi-platform image one that lists its
/// platform images and links to their SBOMs (<see cref="CycloneDxBom.WriteIndex"/>, docs/sbom.md). Files are written
/// only when their bytes change. DRY3010 when the app's deps.json cannot be read.
/// </summary>
public sealed class WriteSbom : DrydockTask
{
    [Required]
    public string Archive { get; set; } = "";

    /// <summary>
    /// Where to write: one item per image manifest, Include = the file; metadata <c>Platform</c> (<c>linux/arm64</c>)
    /// for each platform of a multi-platform image, empty for a single-platform image or for the index of a multi-platform one.
    /// </summary>
    [Required]
    public ITaskItem[] Sboms { get; set; } = [];

    [Required]
    public string Repository { get; set; } = "";

    public string? Registry { get; set; }

    /// <summary>
    /// The app's deps.json from its build (<c>$(ProjectDepsFilePath)</c>), for a single-platform image that holds none
    /// (Native AOT, single-file): its packages and runtime are in the binary. Optional.
    /// </summary>
    public string? AppDepsFile { get; set; }

    /// <summary>The folder of the lint's per-layer scans (<c>obj/…/drydock/lint-cache</c>), shared so a base layer is read once; optional.</summary>
    public string? LayerCacheDirectory { get; set; }

    protected override void Execute(IBuildLog log, CancellationToken cancellationToken)
    {
        // Drydock's version without its source revision (+…): the SBOM names the tool, not the tool's commit.
        var version = typeof(WriteSbom).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0];
        var subject = new SbomImage { Repository = Repository, Registry = Registry, ToolVersion = version };
        var files = Sboms.ToDictionary(item => item.GetMetadata("Platform"), item => item.GetMetadata("FullPath"), StringComparer.Ordinal);
        var index = OciArchive.OpenIndex(Archive);
        var images = index is { } multi
            ? multi.Images.Select(i => (Platform: i.Platform.ToString(), i.Image)).ToList()
            : [(Platform: "", Image: OciArchive.Open(Archive))];
        if (index is { } indexed && files.TryGetValue("", out var indexFile))
        {
            var written = WriteIfChanged(indexFile, CycloneDxBom.WriteIndex(indexed.Index.Digest, [.. indexed.Images.Select(i => i.Image)], subject));
            log.Detail($"Drydock: SBOM {indexFile} for the index {indexed.Index.Digest}: its platform images, each linked to its own SBOM{(written ? "" : "; unchanged")}");
        }

        foreach (var (platform, image) in images)
        {
            if (!files.TryGetValue(platform, out var file))
            {
                continue;
            }

            var inventory = ImageInventory.Read(image, LayerCacheDirectory, cancellationToken);
            // A multi-platform image's platforms were built for other RIDs than this project's build output.
            KeyValuePair<string, string>? buildDeps = index is null && !inventory.DepsFiles.Any() && File.Exists(AppDepsFile)
                ? new(AppDepsFile, File.ReadAllText(AppDepsFile)) : null;
            var written = WriteIfChanged(file, CycloneDxBom.Write(image, inventory, subject, buildDeps));
            log.Detail($"Drydock: SBOM {file} for {image.ManifestDescriptor.Digest}{(platform.Length == 0 ? "" : $" ({platform})")}: deps.json {string.Join(", ", buildDeps is { } build ? [$"{build.Key} (the build's: the image holds none)"] : inventory.DepsFiles.Select(d => d.Key))}; package metadata {string.Join(", ", inventory.Texts.Keys.Where(k => k.StartsWith("var/lib/", StringComparison.Ordinal)))}; frameworks {string.Join(", ", inventory.Frameworks.Select(f => $"{f.Name} {f.Version}"))}{(written ? "" : "; unchanged")}");
        }
    }

    private static bool WriteIfChanged(string path, byte[] bytes)
    {
        if (File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes))
        {
            return false;
        }

        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, path, overwrite: true);
        return true;
    }
}
