using Drydock.Build.Diagnostics;

namespace Drydock.Build.Oci.Registry;

/// <summary>Multi-platform push: every platform's image by digest, then the index, verified at each level.</summary>
public sealed partial class ImagePusher
{
    /// <summary>As <see cref="PushIndexAllAsync"/> for one target; throws the push's DRY error.</summary>
    public async Task<PushResult> PushIndexAsync(string indexArchive, PushRequest request, CredentialStore? store, CancellationToken cancellationToken)
    {
        var outcome = await PushIndexAllAsync(indexArchive, [request], store, cancellationToken).ConfigureAwait(false);
        return outcome.Error is null ? outcome.Results[0] : throw outcome.Error;
    }

    /// <summary>
    /// Pushes a multi-platform image as Drydock's index archive holds it (https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pushing-manifests)
    /// to every target, all or nothing across tags and targets as <see cref="PushAllAsync(OciArchive, IReadOnlyList{PushRequest}, CredentialStore?, CancellationToken)"/>:
    /// each platform's blobs and manifest by digest (each checked against the registry's digest), then the index bytes by
    /// digest, read back and each manifest it lists checked to be there with that digest; then the tags. Each attestation is
    /// attached to the index or the platform manifest it is about.
    /// </summary>
    public Task<PushOutcome> PushIndexAllAsync(string indexArchive, IReadOnlyList<PushRequest> requests, CredentialStore? store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var (index, images) = OciArchive.OpenIndex(indexArchive)
            ?? throw OciArchive.Invalid(indexArchive, "it holds no image index");
        foreach (var request in requests)
        {
            foreach (var (_, image) in images)
            {
                CheckDirty(image, request);
            }
        }

        return PushAllAsync(requests, request => StageIndexAsync(index, images, request, store, cancellationToken), cancellationToken);
    }

    private async Task<StagedPush> StageIndexAsync(
        Descriptor index, IReadOnlyList<(Platform Platform, OciArchive Image)> images, PushRequest request, CredentialStore? store, CancellationToken cancellationToken)
    {
        (request, var credential) = ResolveTarget(request, store, cancellationToken);
        var manifests = images.Select(i => new PlatformManifest(i.Image.ManifestDescriptor, i.Platform)).ToList();
        var platformRequest = request with { Tags = [], Version = null, Referrers = [] };
        var results = new Dictionary<string, string>(StringComparer.Ordinal);
        int uploaded = 0, mounted = 0, present = 0;
        long bytes = 0;
        foreach (var (platform, archive) in images)
        {
            log.Detail($"Drydock: pushing {platform} {archive.ManifestDescriptor.Digest}");
            using var platformPush = await StageAsync(archive, platformRequest, store, cancellationToken).ConfigureAwait(false);
            var result = platformPush.Result();
            results[platform.ToString()] = result.Digest;
            (uploaded, mounted, present, bytes) = (uploaded + result.BlobsUploaded, mounted + result.BlobsMounted, present + result.BlobsPresent, bytes + result.BytesUploaded);
        }

        var bytesOfIndex = ReadBlob(images[0].Image, index);
        var client = new RegistryClient(request.Registry, credential, [$"repository:{request.Repository}:pull,push"], options, log);
        try
        {
            await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
            var put = await client.PutManifestAsync(request.Repository, index.Digest.ToString(), bytesOfIndex, OciMediaTypes.ImageIndex, cancellationToken).ConfigureAwait(false);
            CheckDigest(request, index.Digest, put.Digest, "its answer to the index PUT");
            await VerifyIndexAsync(client, request, index.Digest, manifests, cancellationToken).ConfigureAwait(false);
            var staged = new StagedPush(client, request, index with { MediaType = OciMediaTypes.ImageIndex }, bytesOfIndex, BuildRecord.Read(OciJson.TryParseObject(bytesOfIndex) ?? [], null))
            {
                Platforms = results,
                PlatformSubjects = [.. manifests.Select(m => m.Manifest)],
                BytesUploaded = bytes,
            };
            (staged.Counts["uploaded"], staged.Counts["mounted"], staged.Counts["present"]) = (uploaded, mounted, present);
            return staged;
        }
        catch
        {
            client.Dispose();
            throw;
        }
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
