using Drydock.Build.Diagnostics;
using Drydock.Build.Oci;
using Drydock.Build.Runtime;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Drydock.Build.Tasks;

/// <summary>
/// The facts of an image archive that later steps need, also when the build step was skipped. For a
/// multi-platform image: the index digest, and per platform its manifest and config digests, all read
/// from the index archive (every blob checked present with its size: DRY3001/DRY3002), and where its
/// single-image archive goes when the platform is loaded (<see cref="ImageIndexNormalizer.PlatformArchivePath"/>,
/// cut from the index archive by <see cref="LoadImage"/>).
/// </summary>
public sealed class ReadImage : DrydockTask
{
    [Required]
    public string Archive { get; set; } = "";

    /// <summary>The image's digest: the manifest's, or the image index's for a multi-platform image.</summary>
    [Output]
    public string? ManifestDigest { get; private set; }

    /// <summary>The config digest of the image to load and test (podman's and docker's image id): the host platform's, for an index.</summary>
    [Output]
    public string? ConfigDigest { get; private set; }

    /// <summary>The platform loaded under the image's tags, as <c>os/architecture[/variant]</c>: the image's own, or for an index the host's (else its first).</summary>
    [Output]
    public string? LoadPlatform { get; private set; }

    /// <summary><c>DrydockTestPlatforms</c>: <c>all</c> (default) or <c>host</c> (<see cref="Runtime.TestPlatforms"/>).</summary>
    public string? TestPlatforms { get; set; }

    /// <summary><c>DrydockTest</c>: false loads and tests no platform but the tagged one.</summary>
    public bool Tests { get; set; } = true;

    /// <summary><c>ContainerTestProject</c> items: none loads and tests no platform but the tagged one.</summary>
    public ITaskItem[] TestProjects { get; set; } = [];

    /// <summary>
    /// For an index only: item = platform (<c>linux/arm64</c>); metadata Archive (that platform's single-image
    /// archive path, written by <see cref="LoadImage"/> when the platform is loaded), ManifestDigest, ConfigDigest, Size;
    /// Runnable and Emulated (<see cref="HostPlatforms"/>); Test (loaded and tested in this publish: runnable and
    /// chosen by <c>DrydockTestPlatforms</c>); Note (how it runs, or why it is not tested); Loaded (loaded into the
    /// runtime: every platform to test, and the one <see cref="LoadPlatform"/> names with the tags).
    /// </summary>
    [Output]
    public ITaskItem[] Platforms { get; private set; } = [];

    [Output]
    public long Size { get; private set; }

    protected override void Execute(IBuildLog log, CancellationToken cancellationToken)
    {
        Runtime.TestPlatforms.Parse(TestPlatforms); // a wrong value is wrong for a one-platform image too
        if (OciArchive.OpenIndex(Archive) is { } index)
        {
            var testsOff = !Tests ? "DrydockTest=false" : TestProjects.Length == 0 ? "the project declares no ContainerTestProject" : null;
            var images = index.Images;
            foreach (var (platform, image) in images)
            {
                log.Detail($"Drydock: {platform}: {image.ManifestDescriptor.Digest} in {Archive}");
            }

            var load = images.FirstOrDefault(i => i.Platform.Runs(Platform.Host)) is { Image: not null } host ? host : images[0];
            ManifestDigest = index.Index.Digest.ToString();
            ConfigDigest = load.Image.ConfigDescriptor.Digest.ToString();
            LoadPlatform = load.Platform.ToString();
            Size = index.Index.Size + images.Sum(i => i.Image.TotalSize);
            Platforms = images.Select(i =>
            {
                var item = new TaskItem(i.Platform.ToString());
                item.SetMetadata("Archive", ImageIndexNormalizer.PlatformArchivePath(Archive, i.Platform));
                item.SetMetadata("ManifestDigest", i.Image.ManifestDescriptor.Digest.ToString());
                item.SetMetadata("ConfigDigest", i.Image.ConfigDescriptor.Digest.ToString());
                item.SetMetadata("Size", i.Image.TotalSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
                var support = HostPlatforms.Current.Support(i.Platform);
                var (test, note) = Runtime.TestPlatforms.Choose(support, TestPlatforms, testsOff);
                item.SetMetadata("Runnable", support.Runnable ? "true" : "false");
                item.SetMetadata("Emulated", support.Emulated ? "true" : "false");
                item.SetMetadata("Test", test ? "true" : "false");
                item.SetMetadata("Note", note);
                item.SetMetadata("Loaded", test || i.Platform == load.Platform ? "true" : "false");
                log.Detail($"Drydock: {i.Platform}: {note}{(test ? "; loaded and tested" : "")}");
                return (ITaskItem)item;
            }).ToArray();
            log.Detail($"Drydock: image index={ManifestDigest} platforms={string.Join(", ", images.Select(i => i.Platform))}; tags {LoadPlatform} (host {Platform.Host})");
            return;
        }

        var archive = OciArchive.Open(Archive);
        ManifestDigest = archive.ManifestDescriptor.Digest.ToString();
        ConfigDigest = archive.ConfigDescriptor.Digest.ToString();
        LoadPlatform = Platform.FromJson(archive.Config)?.ToString();
        Size = archive.TotalSize;
        log.Detail($"Drydock: image={ManifestDigest} config={ConfigDigest} size={Size}");
    }
}
