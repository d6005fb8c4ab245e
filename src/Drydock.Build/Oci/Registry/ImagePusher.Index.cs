using Drydock.Build.Diagnostics;

namespace Drydock.Build.Oci.Registry;

/// <summary>Multi-platform push: every platform's image by digest, then the index, verified at each level.</summary>
public sealed partial class ImagePusher
{
    /// <summary>
    /// Pushes a multi-platform image as Drydock's index archive holds it (https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pushing-manifests):
    /// each platform's blobs and manifest by digest (<see cref="PushAsync"/> without tags, each checked
    /// against the registry's digest), then the index bytes by digest and under every tag, each answer
    /// checked, then the index read back and each manifest it lists checked to be there with that digest.
    /// Each referrer is attached to the platform manifest or the index it is about.
    /// </summary>
    public async Task<PushResult> PushIndexAsync(string indexArchive, PushRequest request, CredentialStore? store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        (request, var credential) = ResolveTarget(request, store, cancellationToken);
        var (index, images) = OciArchive.OpenIndex(indexArchive)
            ?? throw OciArchive.Invalid(indexArchive, "it holds no image index");
        var manifests = images.Select(i => new PlatformManifest(i.Image.ManifestDescriptor, i.Platform)).ToList();
        var platformRequest = request with { Tags = [], Version = null };
        var results = new Dictionary<string, string>(StringComparer.Ordinal);
        int uploaded = 0, mounted = 0, present = 0;
        long bytes = 0;
        var platformReferrers = new List<AttachedReferrer>();
        foreach (var (platform, archive) in images)
        {
            log.Detail($"Drydock: pushing {platform} {archive.ManifestDescriptor.Digest}");
            var result = await PushAsync(archive, platformRequest, store, cancellationToken).ConfigureAwait(false);
            results[platform.ToString()] = result.Digest;
            platformReferrers.AddRange(result.Referrers);
            (uploaded, mounted, present, bytes) = (uploaded + result.BlobsUploaded, mounted + result.BlobsMounted, present + result.BlobsPresent, bytes + result.BytesUploaded);
        }

        var bytesOfIndex = ReadBlob(images[0].Image, index);
        using var client = new RegistryClient(request.Registry, credential, [$"repository:{request.Repository}:pull,push"], options, log);
        await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
        var put = await client.PutManifestAsync(request.Repository, index.Digest.ToString(), bytesOfIndex, OciMediaTypes.ImageIndex, cancellationToken).ConfigureAwait(false);
        CheckDigest(request, index.Digest, put.Digest, "its answer to the index PUT");
        await VerifyIndexAsync(client, request, index.Digest, manifests, cancellationToken).ConfigureAwait(false);

        var tags = request.Tags;
        if (request.Version is not null)
        {
            var existing = await client.ListTagsAsync(request.Repository, cancellationToken).ConfigureAwait(false);
            (tags, var heldBack) = FloatingTags.Resolve(request.Version, request.Tags, existing);
            if (heldBack.Count > 0)
            {
                log.Detail($"Drydock: {string.Join(", ", heldBack)} stay where they are: {request.Repository} has a higher stable version than {request.Version} in their line");
            }
        }

        var set = await PushTagsAsync(client, request, index.Digest, bytesOfIndex, OciMediaTypes.ImageIndex, tags, cancellationToken).ConfigureAwait(false);
        var referrers = await AttachReferrersAsync(client, request, index, cancellationToken).ConfigureAwait(false);
        return new PushResult
        {
            Registry = request.Registry,
            Repository = request.Repository,
            Digest = index.Digest.ToString(),
            Tags = set,
            Verified = true,
            BlobsUploaded = uploaded,
            BlobsMounted = mounted,
            BlobsPresent = present,
            BytesUploaded = bytes,
            Referrers = [.. platformReferrers, .. referrers],
            Manifests = results,
        };
    }

    /// <summary>The registry's copy of the index has the pushed digest and lists exactly the pushed manifests, each stored under its digest.</summary>
    private static async Task VerifyIndexAsync(RegistryClient client, PushRequest request, Digest index, IReadOnlyList<PlatformManifest> manifests, CancellationToken cancellationToken)
    {
        var stored = await client.GetManifestAsync(request.Repository, index.ToString(), cancellationToken).ConfigureAwait(false)
            ?? throw Mismatch(request, index, "has no such index right after accepting it");
        CheckDigest(request, index, Digest.Of(stored.Bytes), "a re-read of the index (GET)");
        foreach (var entry in manifests)
        {
            var manifest = await client.HeadManifestAsync(request.Repository, entry.Manifest.Digest.ToString(), cancellationToken).ConfigureAwait(false)
                ?? throw Mismatch(request, index, $"lacks its {entry.Platform} manifest {entry.Manifest.Digest}");
            CheckDigest(request, entry.Manifest.Digest, manifest.Digest, $"a re-read of the {entry.Platform} manifest (HEAD)");
        }
    }

    private static byte[] ReadBlob(OciArchive archive, Descriptor blob)
    {
        using var stream = archive.OpenVerifiedBlob(blob);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
