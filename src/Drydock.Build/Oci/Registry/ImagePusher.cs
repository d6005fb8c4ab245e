using System.Collections.Concurrent;
using Drydock.Build.Diagnostics;
using NuGet.Versioning;

namespace Drydock.Build.Oci.Registry;

/// <summary>What to push where.</summary>
public sealed record PushRequest
{
    /// <summary><c>host[:port]</c>, as <c>ContainerRegistry</c>.</summary>
    public required string Registry { get; init; }

    public required string Repository { get; init; }

    public required IReadOnlyList<string> Tags { get; init; }

    /// <summary>The image's version when it is a release: <c>latest</c> and the floating version tags move per <see cref="FloatingTags"/>. Null: the tags are pushed as given.</summary>
    public NuGetVersion? Version { get; init; }

    /// <summary>
    /// Artifacts to attach as OCI 1.1 referrers (the attestations), each to the pushed manifest or index its
    /// <see cref="ReferrerContent.Subject"/> names; a failure to attach one is recorded in <see cref="PushResult.Referrers"/>,
    /// never thrown: the image is pushed by then, and the caller decides.
    /// </summary>
    public IReadOnlyList<ReferrerContent> Referrers { get; init; } = [];

    /// <summary>
    /// <c>DrydockPushDirty</c>: push an image whose <c>io.drydock.git.dirty</c> label is <c>true</c> (built from a
    /// working tree with uncommitted changes). Without it such a push stops with DRY6011 before any request.
    /// </summary>
    public bool AllowDirty { get; init; }

    /// <summary>
    /// <c>DrydockMoveImmutableTags</c>: let a tag that names one build (<see cref="ImmutableTags"/>) move to other
    /// bytes. Without it such a move stops with DRY6012 before any tag is set.
    /// </summary>
    public bool AllowImmutableTagMove { get; init; }

    /// <summary>Annotations of every referrer artifact besides its own (e.g. <c>org.opencontainers.image.created</c>).</summary>
    public IReadOnlyDictionary<string, string> ReferrerAnnotations { get; init; } = new Dictionary<string, string>();
}

/// <summary>What the registry confirmed.</summary>
public sealed record PushResult
{
    public required string Registry { get; init; }

    public required string Repository { get; init; }

    public required string Digest { get; init; }

    /// <summary>Every tag the registry confirmed, <c>latest</c> included when it moved.</summary>
    public required IReadOnlyList<string> Tags { get; init; }

    /// <summary>The registry's digest of the manifest, from its PUT answer and a re-read, equals the tested digest.</summary>
    public required bool Verified { get; init; }

    public int BlobsUploaded { get; init; }

    public int BlobsMounted { get; init; }

    public int BlobsPresent { get; init; }

    public long BytesUploaded { get; init; }

    /// <summary>Each referrer of <see cref="PushRequest.Referrers"/> whose subject was pushed here: attached, or why not.</summary>
    public IReadOnlyList<AttachedReferrer> Referrers { get; init; } = [];

    /// <summary>The same image pushed to each <c>DrydockPushRegistry</c>, each verified by digest.</summary>
    public IReadOnlyList<PushResult> OtherRegistries { get; init; } = [];

    /// <summary>For a multi-platform image: each platform's manifest digest, as the registry confirmed it (the index is <see cref="Digest"/>).</summary>
    public IReadOnlyDictionary<string, string>? Manifests { get; init; }

    /// <summary>
    /// Set when the push to <see cref="Registry"/> failed: the DRY code and its message. <see cref="Digest"/> is then the
    /// tested digest, <see cref="Tags"/> empty and <see cref="Verified"/> false: the registry confirmed nothing.
    /// </summary>
    public string? Error { get; init; }
}

/// <summary>An artifact to attach to <paramref name="Subject"/>: one blob of <paramref name="ArtifactType"/>; <paramref name="Name"/> says which in messages and the report (a file path).</summary>
public sealed record ReferrerContent(string Name, Digest Subject, string ArtifactType, byte[] Content, IReadOnlyDictionary<string, string> Annotations);

/// <summary>A referrer as the registry took it: its manifest digest, or the error (code and message) that kept it out.</summary>
public sealed record AttachedReferrer(string Name, string Subject, string? Digest, string? Error);

/// <summary>
/// Pushes an OCI archive exactly: its blobs (skipping those the registry has, mounting the base's
/// layers from the base's repository in the same registry), then its manifest bytes by digest, checked
/// against the registry's digest, then each tag, then the attestations as referrers.
/// </summary>
public sealed partial class ImagePusher(RegistryOptions options, IBuildLog log)
{
    /// <summary>A pusher that uses one credential (or none) for every registry, as tests and single-registry callers want.</summary>
    public ImagePusher(RegistryOptions options, RegistryCredential? credential, IBuildLog log)
        : this(options, log) => this.credential = credential;

    private readonly RegistryCredential? credential;

    private const string BaseNameKey = "org.opencontainers.image.base.name";
    private const string DirtyKey = "io.drydock.git.dirty";

    public Task<PushResult> PushAsync(OciArchive archive, PushRequest request, CancellationToken cancellationToken) =>
        PushAsync(archive, request, store: null, cancellationToken);

    /// <summary>As <see cref="PushAsync(OciArchive, PushRequest, CancellationToken)"/>, with the login found in <paramref name="store"/> for this registry and repository.</summary>
    public async Task<PushResult> PushAsync(OciArchive archive, PushRequest request, CredentialStore? store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(request);
        var tested = archive.ManifestDescriptor.Digest;
        CheckDirty(archive, request);
        (request, var credential) = ResolveTarget(request, store, cancellationToken);
        var repository = request.Repository;
        var mountFrom = BaseRepository(archive, request.Registry) is { } source && source != repository ? source : null;
        string[] scopes = mountFrom is null
            ? [$"repository:{repository}:pull,push"]
            : [$"repository:{repository}:pull,push", $"repository:{mountFrom}:pull"];

        using var client = new RegistryClient(request.Registry, credential, scopes, options, log);
        await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
        log.Detail($"Drydock: pushing {repository}@{tested} to {client.BaseAddress}{(credential is null ? " anonymously" : $" as {credential}")}");

        var manifest = ReadManifest(archive);
        var mediaType = archive.ManifestDescriptor.MediaType;
        var blobs = archive.Layers.Prepend(archive.ConfigDescriptor).DistinctBy(blob => blob.Digest).ToList();
        var counts = new ConcurrentDictionary<string, int>();
        long bytes = 0;
        var stored = await client.HeadManifestAsync(repository, tested.ToString(), cancellationToken).ConfigureAwait(false);
        if (stored?.Digest == tested)
        {
            // A registry accepts a manifest only once it has all its blobs: nothing to upload.
            counts["present"] = blobs.Count;
            log.Detail($"Drydock: {repository}@{tested} is already in {request.Registry}; no blob to push");
        }
        else
        {
            bytes = await PushBlobsAsync(client, archive, blobs, repository, mountFrom, counts, cancellationToken).ConfigureAwait(false);
            var put = await client.PutManifestAsync(repository, tested.ToString(), manifest, mediaType, cancellationToken).ConfigureAwait(false);
            CheckDigest(request, tested, put.Digest, "its answer to the manifest PUT");
            stored = await client.HeadManifestAsync(repository, tested.ToString(), cancellationToken).ConfigureAwait(false);
            CheckDigest(request, tested, stored?.Digest ?? throw Mismatch(request, tested, "has no such manifest right after accepting it"), "a re-read of the manifest (HEAD)");
        }

        var tags = request.Tags;
        if (request.Version is not null)
        {
            var existing = await client.ListTagsAsync(repository, cancellationToken).ConfigureAwait(false);
            (tags, var heldBack) = FloatingTags.Resolve(request.Version, request.Tags, existing);
            if (heldBack.Count > 0)
            {
                log.Detail($"Drydock: {string.Join(", ", heldBack)} stay where they are: {repository} has a higher stable version than {request.Version} in their line");
            }
        }

        var set = await PushTagsAsync(client, request, tested, manifest, mediaType, tags, cancellationToken).ConfigureAwait(false);
        var referrers = await AttachReferrersAsync(client, request, archive.ManifestDescriptor, cancellationToken).ConfigureAwait(false);

        return new PushResult
        {
            Registry = request.Registry,
            Repository = repository,
            Digest = tested.ToString(),
            Tags = set,
            Verified = true,
            BlobsUploaded = counts.GetValueOrDefault("uploaded"),
            BlobsMounted = counts.GetValueOrDefault("mounted"),
            BlobsPresent = counts.GetValueOrDefault("present"),
            BytesUploaded = bytes,
            Referrers = referrers,
        };
    }

    /// <summary>
    /// The request in the names the registry's API uses (docker.io for any Docker Hub alias, library/x for x there), and
    /// the login for it: the one given to the pusher, or the one <paramref name="store"/> finds for the registry and repository.
    /// </summary>
    private (PushRequest Request, RegistryCredential? Credential) ResolveTarget(PushRequest request, CredentialStore? store, CancellationToken cancellationToken)
    {
        var endpoint = RegistryEndpoint.Parse(request.Registry);
        request = request with { Registry = endpoint.Name, Repository = endpoint.Repository(request.Repository) };
        var credential = store is null ? this.credential : store.Find(endpoint.Name, request.Repository, cancellationToken);
        log.Detail($"Drydock: credentials for {endpoint.Name}: {credential?.ToString() ?? "none (anonymous)"}, for {request.Repository}");
        return (request, credential);
    }

    /// <summary>The config and layers: skipped when present, mounted from the base's repository when possible, else uploaded. Returns the bytes sent.</summary>
    private async Task<long> PushBlobsAsync(
        RegistryClient client,
        OciArchive archive,
        IReadOnlyList<Descriptor> blobs,
        string repository,
        string? mountFrom,
        ConcurrentDictionary<string, int> counts,
        CancellationToken cancellationToken)
    {
        long bytes = 0;
        await Parallel.ForEachAsync(
            blobs,
            new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = cancellationToken },
            async (blob, token) =>
            {
                string outcome;
                if (await client.BlobExistsAsync(repository, blob.Digest, token).ConfigureAwait(false))
                {
                    outcome = "present";
                }
                else if (mountFrom is not null && await client.TryMountBlobAsync(repository, blob.Digest, mountFrom, token).ConfigureAwait(false))
                {
                    outcome = "mounted";
                }
                else
                {
                    Interlocked.Add(ref bytes, await client.UploadBlobAsync(repository, blob, () => archive.OpenVerifiedBlob(blob), token).ConfigureAwait(false));
                    outcome = "uploaded";
                }

                counts.AddOrUpdate(outcome, 1, (_, n) => n + 1);
                log.Detail($"Drydock: blob {blob.Digest} ({blob.Size} bytes) {outcome}");
            }).ConfigureAwait(false);
        return bytes;
    }

    /// <summary>
    /// The base image's repository when it lives in the target registry (from the SDK's
    /// <c>org.opencontainers.image.base.name</c>): its layers can be mounted instead of uploaded.
    /// </summary>
    public static string? BaseRepository(OciArchive archive, string registry)
    {
        ArgumentNullException.ThrowIfNull(archive);
        var name = OciJson.GetString(archive.Manifest["annotations"]?[BaseNameKey])
            ?? OciJson.GetString(archive.Config["config"]?["Labels"]?[BaseNameKey]);
        var slash = name?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        if (name is null || slash <= 0)
        {
            return null;
        }

        // docker.io, index.docker.io and registry-1.docker.io name one registry.
        var endpoint = RegistryEndpoint.Parse(registry);
        if (!endpoint.Names(name[..slash]))
        {
            return null;
        }

        var path = name[(slash + 1)..];
        var at = path.IndexOf('@', StringComparison.Ordinal);
        path = at >= 0 ? path[..at] : path;
        var colon = path.LastIndexOf(':');
        return endpoint.Repository(colon > path.LastIndexOf('/') ? path[..colon] : path);
    }

    /// <summary>DRY6011 for an image built from uncommitted changes, unless the push opted in.</summary>
    public static void CheckDirty(OciArchive archive, PushRequest request)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(request);
        var dirty = OciJson.GetString(archive.Config["config"]?["Labels"]?[DirtyKey]) == "true";
        if (dirty && !request.AllowDirty)
        {
            throw new DrydockException(
                KnownCodes.DirtyPushRefused,
                $"The image was built from a working tree with uncommitted changes (label {DirtyKey}=true), so its bytes belong to no commit, and {request.Registry}/{request.Repository} would get them under {string.Join(", ", request.Tags.Select(MessageText.Quote))}. Commit the changes and publish again, or set DrydockPushDirty=true to push it anyway (it is tagged only sha-<commit>-dirty), or DrydockPush=false to keep it local.");
        }
    }

    private static byte[] ReadManifest(OciArchive archive)
    {
        using var stream = archive.OpenVerifiedBlob(archive.ManifestDescriptor);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    /// <summary>The digest the registry answered must be the tested one; null (no header) is checked by the re-read.</summary>
    private static void CheckDigest(PushRequest request, Digest tested, Digest? answered, string where)
    {
        if (answered is not null && answered != tested)
        {
            throw Mismatch(request, tested, $"reports {answered} in {where}");
        }
    }

    private static DrydockException Mismatch(PushRequest request, Digest tested, string what) => new(
        KnownCodes.PushedDigestMismatch,
        $"{request.Registry}/{request.Repository} {what}, but the tested image is {tested}. The registry rewrote or lost the manifest: push to one that stores OCI manifests as given.");

    /// <summary>
    /// A tag that names one build — a commit's <c>sha-…</c>, an exact version — must not silently move to other bytes
    /// (another RID, base, SDK or build setting of the same commit): the registry's tag is checked before any tag is set.
    /// </summary>
    private static async Task CheckImmutableTagsAsync(RegistryClient client, PushRequest request, Digest tested, IReadOnlyList<string> tags, CancellationToken cancellationToken)
    {
        if (request.AllowImmutableTagMove)
        {
            return;
        }

        foreach (var tag in tags.Where(ImmutableTags.Names))
        {
            var current = await client.HeadManifestAsync(request.Repository, tag, cancellationToken).ConfigureAwait(false);
            if (current is not null && current.Digest != tested)
            {
                throw new DrydockException(
                    KnownCodes.ImmutableTagMoved,
                    $"{request.Registry}/{request.Repository}:{tag} already names {current.Digest}, and this build is {tested}: the same commit or version built to other bytes (another runtime identifier, base image, SDK, Drydock or build setting). No tag was set. " +
                    "Publish a new commit or version, push under other tags (ContainerImageTags), or set DrydockMoveImmutableTags=true to move it on purpose.");
            }
        }
    }

    private async Task<IReadOnlyList<string>> PushTagsAsync(
        RegistryClient client, PushRequest request, Digest tested, byte[] manifest, string mediaType, IReadOnlyList<string> tags, CancellationToken cancellationToken)
    {
        await CheckImmutableTagsAsync(client, request, tested, tags, cancellationToken).ConfigureAwait(false);
        var set = new List<string>();
        foreach (var tag in tags)
        {
            try
            {
                var put = await client.PutManifestAsync(request.Repository, tag, manifest, mediaType, cancellationToken).ConfigureAwait(false);
                CheckDigest(request, tested, put.Digest, $"its answer to the PUT of tag {tag}");
                set.Add(tag);
                log.Detail($"Drydock: tagged {request.Registry}/{request.Repository}:{tag}");
            }
            catch (DrydockException e)
            {
                var unset = tags.Except(set, StringComparer.Ordinal);
                throw new DrydockException(
                    KnownCodes.TagsPartlyPushed,
                    $"{request.Registry}/{request.Repository}@{tested} is pushed, but setting tag '{tag}' failed. Set: {List(set)}. Not set: {List(unset)}. Rerun the publish to set them. The cause ({e.Code}): {e.Message}",
                    e);
            }
        }

        return set;
    }

    /// <summary>
    /// The referrers of <paramref name="subject"/>, each as an artifact manifest (<see cref="ReferrerArtifact"/>), and, where
    /// the registry does not index subjects itself (no <c>OCI-Subject</c> answer), listed in the referrers tag's index.
    /// </summary>
    private async Task<IReadOnlyList<AttachedReferrer>> AttachReferrersAsync(RegistryClient client, PushRequest request, Descriptor subject, CancellationToken cancellationToken)
    {
        var attached = new List<AttachedReferrer>();
        foreach (var content in request.Referrers.Where(r => r.Subject == subject.Digest))
        {
            var annotations = request.ReferrerAnnotations.Concat(content.Annotations).GroupBy(pair => pair.Key).ToDictionary(group => group.Key, group => group.Last().Value);
            var artifact = new ReferrerArtifact(content.ArtifactType, content.Content, subject, annotations);
            try
            {
                await AttachAsync(client, request, subject, artifact, cancellationToken).ConfigureAwait(false);
                attached.Add(new AttachedReferrer(content.Name, subject.Digest.ToString(), artifact.Manifest.Digest.ToString(), null));
                log.Detail($"Drydock: attached {content.ArtifactType} {artifact.Manifest.Digest} to {subject.Digest} ({Path.GetFileName(content.Name)})");
            }
            catch (DrydockException e)
            {
                attached.Add(new AttachedReferrer(content.Name, subject.Digest.ToString(), null, $"{e.Code}: {e.Message}"));
            }
        }

        return attached;
    }

    private async Task AttachAsync(RegistryClient client, PushRequest request, Descriptor subject, ReferrerArtifact artifact, CancellationToken cancellationToken)
    {
        var pushedBefore = await client.HeadManifestAsync(request.Repository, artifact.Manifest.Digest.ToString(), cancellationToken).ConfigureAwait(false) is not null;
        foreach (var (blob, content) in pushedBefore ? [] : new[] { (ReferrerArtifact.Empty, ReferrerArtifact.EmptyContent), (artifact.Blob, artifact.Content) })
        {
            if (!await client.BlobExistsAsync(request.Repository, blob.Digest, cancellationToken).ConfigureAwait(false))
            {
                await client.UploadBlobAsync(request.Repository, blob, () => new MemoryStream(content, writable: false), cancellationToken).ConfigureAwait(false);
            }
        }

        var put = await client.PutManifestAsync(request.Repository, artifact.Manifest.Digest.ToString(), artifact.ManifestBytes, OciMediaTypes.ImageManifest, cancellationToken).ConfigureAwait(false);
        if (!put.SubjectIndexed)
        {
            // No referrers API: keep the referrers tag's index up to date instead.
            var tag = ReferrerArtifact.ReferrersTag(subject.Digest);
            var existing = (await client.GetManifestAsync(request.Repository, tag, cancellationToken).ConfigureAwait(false))?.Bytes;
            var index = artifact.AddTo(existing);
            if (existing is null || !index.AsSpan().SequenceEqual(existing))
            {
                await client.PutManifestAsync(request.Repository, tag, index, OciMediaTypes.ImageIndex, cancellationToken).ConfigureAwait(false);
            }

            log.Detail($"Drydock: referrer {artifact.Manifest.Digest} listed under the referrers tag {tag}");
        }
    }

    private static string List(IEnumerable<string> tags) => string.Join(", ", tags) is { Length: > 0 } text ? text : "none";
}
