using System.Collections.Concurrent;
using System.Text.Json.Nodes;
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
    /// Artifacts to attach as OCI 1.1 referrers (the attestations), each to the pushed manifest or index (or, for a
    /// multi-platform image, the platform manifest) its <see cref="ReferrerContent.Subject"/> names; a failure to attach
    /// one is recorded in <see cref="PushResult.Referrers"/>, never thrown: the image is pushed by then, and the caller decides.
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

    /// <summary>
    /// The build treats DRY6014 as an error (<c>TreatWarningsAsErrors</c>, <c>WarningsAsErrors</c>): a commit, branch or
    /// <c>pr-</c> tag that would move to other bytes of the same commit then stops the push with DRY6014 before any tag
    /// is set, rather than warning after the tags moved.
    /// </summary>
    public bool MovedTagIsError { get; init; }

    /// <summary>Annotations of every referrer artifact besides its own (e.g. <c>org.opencontainers.image.created</c>).</summary>
    public IReadOnlyDictionary<string, string> ReferrerAnnotations { get; init; } = new Dictionary<string, string>();

    /// <summary><c>DrydockBaseRegistry</c>, where the base image was pulled from (<see cref="BaseImageMirror"/>): a mount source when it is the target.</summary>
    public string? BaseRegistry { get; init; }
}

/// <summary>What the registry confirmed.</summary>
public sealed record PushResult
{
    public required string Registry { get; init; }

    public required string Repository { get; init; }

    public required string Digest { get; init; }

    /// <summary>Every tag that names <see cref="Digest"/> in this registry after the push: those set and those that already did (<see cref="TagsUnchanged"/>), <c>latest</c> included when it moved.</summary>
    public required IReadOnlyList<string> Tags { get; init; }

    /// <summary>Tags that already named these bytes: not written again (immutable-tag registries refuse that).</summary>
    public IReadOnlyList<string> TagsUnchanged { get; init; } = [];

    /// <summary>Tags that named other bytes before and were moved here, each with the digest they named.</summary>
    public IReadOnlyDictionary<string, string> TagsMoved { get; init; } = new Dictionary<string, string>();

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
    /// Set when the push to this target failed or stopped: the DRY code and its message. <see cref="Tags"/> then lists what
    /// this registry confirmed before the stop (none when the failure came before the tags: all or nothing across targets),
    /// and <see cref="Verified"/> whether it holds the tested manifest by digest.
    /// </summary>
    public string? Error { get; init; }
}

/// <summary>An artifact to attach to <paramref name="Subject"/>: one blob of <paramref name="ArtifactType"/>; <paramref name="Name"/> says which in messages and the report (a file path).</summary>
public sealed record ReferrerContent(string Name, Digest Subject, string ArtifactType, byte[] Content, IReadOnlyDictionary<string, string> Annotations);

/// <summary>
/// A referrer as the registry took it: its manifest digest, or the error (code and message) that kept it out. Both
/// null: stored by digest, but not findable from the subject (a referrers tag the registry resolves itself, DRY6015).
/// </summary>
public sealed record AttachedReferrer(string Name, string Subject, string? Digest, string? Error);

/// <summary>Every target's result, in the order the targets were given, and the error that stopped the push (null: none).</summary>
public sealed record PushOutcome(IReadOnlyList<PushResult> Results, DrydockException? Error);

/// <summary>
/// Pushes an OCI archive exactly, to one or several targets, all or nothing across tags and targets: first every
/// target gets the blobs (skipping those it has, mounting the base's layers from the base's repository in the same
/// registry) and the manifest bytes by digest, checked against the registry's digest; then every target's tags are
/// planned (what each names now: a tag that already names these bytes is not written again, one that would move is
/// explained and, for an exact version, refused); then the moves on every target (so a registry that refuses to move a
/// tag refuses before any tag is set), then the new tags; then the attestations as referrers.
/// </summary>
public sealed partial class ImagePusher(RegistryOptions options, IBuildLog log)
{
    /// <summary>A pusher that uses one credential (or none) for every registry, as tests and single-registry callers want.</summary>
    public ImagePusher(RegistryOptions options, RegistryCredential? credential, IBuildLog log)
        : this(options, log) => this.credential = credential;

    private readonly RegistryCredential? credential;

    private readonly HashSet<string> _unusableTagsWarned = new(StringComparer.Ordinal);

    private const string BaseNameKey = "org.opencontainers.image.base.name";
    private const string DirtyKey = "io.drydock.git.dirty";

    /// <summary>Registry error codes and words for a tag the repository will not let move (ECR, Harbor, Artifact Registry; docs/registries.md).</summary>
    private static readonly string[] ImmutableTagWords = ["TAG_INVALID", "MANIFEST_TAG_IMMUTABLE", "immutable", "409 Conflict"];

    public Task<PushResult> PushAsync(OciArchive archive, PushRequest request, CancellationToken cancellationToken) =>
        PushAsync(archive, request, store: null, cancellationToken);

    /// <summary>As <see cref="PushAsync(OciArchive, PushRequest, CancellationToken)"/>, with the login found in <paramref name="store"/> for this registry and repository. Throws the push's DRY error.</summary>
    public async Task<PushResult> PushAsync(OciArchive archive, PushRequest request, CredentialStore? store, CancellationToken cancellationToken)
    {
        var outcome = await PushAllAsync(archive, [request], store, cancellationToken).ConfigureAwait(false);
        return outcome.Error is null ? outcome.Results[0] : throw outcome.Error;
    }

    /// <summary>Pushes one image to every target in <paramref name="requests"/>, all or nothing across tags and targets (see the type).</summary>
    public Task<PushOutcome> PushAllAsync(OciArchive archive, IReadOnlyList<PushRequest> requests, CredentialStore? store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(requests);
        foreach (var request in requests)
        {
            CheckDirty(archive, request);
        }

        return PushAllAsync(requests, request => StageAsync(archive, request, store, cancellationToken), cancellationToken);
    }

    private async Task<PushOutcome> PushAllAsync(IReadOnlyList<PushRequest> requests, Func<PushRequest, Task<StagedPush>> stage, CancellationToken cancellationToken)
    {
        var staged = new List<StagedPush>();
        try
        {
            // 1. Every target holds the manifest by digest before any tag is set anywhere. Each target is tried, so the
            // report says of each whether it can take the image (a denied first target does not hide a healthy second).
            var failures = new List<(PushRequest Request, DrydockException Error)>();
            foreach (var request in requests)
            {
                try
                {
                    var target = await stage(request).ConfigureAwait(false);
                    target.Original = request;
                    staged.Add(target);
                }
                catch (DrydockException e) when (!cancellationToken.IsCancellationRequested)
                {
                    failures.Add((request, e));
                }
            }

            if (failures.Count > 0)
            {
                return Stopped(requests, staged, failures);
            }

            // 2. What each tag names now, on every target: refusals (DRY6012) before any tag is set.
            foreach (var target in staged)
            {
                try
                {
                    await PlanTagsAsync(target, cancellationToken).ConfigureAwait(false);
                }
                catch (DrydockException e)
                {
                    return Stopped(requests, staged, target.Original!, e);
                }
            }

            // 3. Moves first, on every target, then new tags: a registry that will not move a tag says so before any is set.
            foreach (var moves in new[] { true, false })
            {
                foreach (var target in staged)
                {
                    try
                    {
                        await SetTagsAsync(target, moves, cancellationToken).ConfigureAwait(false);
                    }
                    catch (DrydockException e)
                    {
                        return Stopped(requests, staged, target.Original!, e);
                    }
                }
            }

            foreach (var warning in staged.Select(target => target.MoveWarning).OfType<string>())
            {
                log.Warning(KnownCodes.TagMovedToRebuild, warning);
            }

            // 4. The attestations, by digest and (without a referrers API) under the referrers tag, each to its subject.
            foreach (var target in staged)
            {
                foreach (var subject in target.PlatformSubjects.Prepend(target.Subject))
                {
                    target.Referrers.AddRange(await AttachReferrersAsync(target.Client, target.Request, subject, cancellationToken).ConfigureAwait(false));
                }
            }

            return new PushOutcome(staged.Select(target => target.Result()).ToList(), null);
        }
        finally
        {
            foreach (var target in staged)
            {
                target.Dispose();
            }
        }
    }

    /// <summary>
    /// The outcome of a push that stopped at <paramref name="failed"/>: each target's result as its registry now is, and
    /// the error, which says per target what was set when any tag was (DRY6007), or names the tag and the setting when a
    /// registry refused to move one (DRY6013).
    /// </summary>
    private static PushOutcome Stopped(IReadOnlyList<PushRequest> requests, List<StagedPush> staged, PushRequest failed, DrydockException error) =>
        Stopped(requests, staged, [(failed, error)]);

    /// <summary>As above, for every target that failed (in step 1 several may: each was tried); the first failure's code is the push's.</summary>
    private static PushOutcome Stopped(IReadOnlyList<PushRequest> requests, List<StagedPush> staged, List<(PushRequest Request, DrydockException Error)> failures)
    {
        var (failed, error) = failures[0];
        var anyTagSet = staged.Any(target => target.Set.Count > 0);
        var where = anyTagSet
            ? " " + string.Join(" ", staged.Select(target => $"{target.Request.Registry}/{target.Request.Repository}: set {List(target.Set)}, not set {List(target.Planned.Except(target.Set).Except(target.Unchanged))}."))
            : requests.Count > 1 ? " No tag was set on any registry." : "";
        var others = failures.Count > 1
            ? " Also failed: " + string.Join("; ", failures.Skip(1).Select(f => $"{f.Request.Registry}/{f.Request.Repository} ({f.Error.Code}, see drydock.json)")) + "."
            : "";
        if (error.Code == KnownCodes.RegistryTagImmutable || !anyTagSet)
        {
            error = new DrydockException(error.Code, error.Message.TrimEnd() + where + others, error.InnerException ?? error);
        }
        else
        {
            error = new DrydockException(
                KnownCodes.TagsPartlyPushed,
                $"the push stopped at {failed.Registry}/{failed.Repository} after some tags were set.{where} Rerun the publish to set the rest (tags that already name the image are not written again). The cause ({error.Code}): {error.Message}",
                error);
        }

        var results = new List<PushResult>();
        foreach (var request in requests)
        {
            var own = failures.FirstOrDefault(f => ReferenceEquals(f.Request, request)).Error;
            var message = ReferenceEquals(request, failed) ? $"{error.Code}: {error.Message}" : own is null ? null : $"{own.Code}: {own.Message}";
            var target = staged.FirstOrDefault(target => ReferenceEquals(target.Original, request));
            results.Add(target is not null
                ? target.Result() with { Error = message }
                : new PushResult
                {
                    Registry = request.Registry,
                    Repository = request.Repository,
                    Digest = "",
                    Tags = [],
                    Verified = false,
                    Error = message ?? $"not pushed: the push stopped at {failed.Registry}/{failed.Repository}",
                });
        }

        return new PushOutcome(results, error);
    }

    /// <summary>Step 1 for one target: the blobs, then the manifest bytes by digest, each answer and a re-read checked against the tested digest.</summary>
    private async Task<StagedPush> StageAsync(OciArchive archive, PushRequest request, CredentialStore? store, CancellationToken cancellationToken)
    {
        var tested = archive.ManifestDescriptor.Digest;
        (request, var credential) = ResolveTarget(request, store, cancellationToken);
        var repository = request.Repository;
        var mountFrom = BaseRepository(archive, request.Registry, request.BaseRegistry) is { } source && source != repository ? source : null;
        string[] scopes = mountFrom is null
            ? [$"repository:{repository}:pull,push"]
            : [$"repository:{repository}:pull,push", $"repository:{mountFrom}:pull"];

        var client = new RegistryClient(request.Registry, credential, scopes, options, log);
        try
        {
            await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
            log.Detail($"Drydock: pushing {repository}@{tested} to {client.BaseAddress}{(credential is null ? " anonymously" : $" as {credential}")}");
            var manifest = ReadManifest(archive);
            var staged = new StagedPush(client, request, archive.ManifestDescriptor, manifest, BuildRecord.Read(archive.Manifest, archive.Config));
            var blobs = archive.Layers.Prepend(archive.ConfigDescriptor).DistinctBy(blob => blob.Digest).ToList();
            var stored = await client.HeadManifestAsync(repository, tested.ToString(), cancellationToken).ConfigureAwait(false);
            if (stored?.Digest == tested)
            {
                // A registry accepts a manifest only once it has all its blobs: nothing to upload.
                staged.Counts["present"] = blobs.Count;
                log.Detail($"Drydock: {repository}@{tested} is already in {request.Registry}; no blob to push");
                return staged;
            }

            staged.BytesUploaded = await PushBlobsAsync(client, archive, blobs, request, mountFrom, staged.Counts, cancellationToken).ConfigureAwait(false);
            var put = await client.PutManifestAsync(repository, tested.ToString(), manifest, staged.Subject.MediaType, cancellationToken).ConfigureAwait(false);
            CheckDigest(request, tested, put.Digest, "its answer to the manifest PUT");
            stored = await client.HeadManifestAsync(repository, tested.ToString(), cancellationToken).ConfigureAwait(false);
            CheckDigest(request, tested, stored?.Digest ?? throw Mismatch(request, tested, "has no such manifest right after accepting it"), "a re-read of the manifest (HEAD)");
            return staged;
        }
        catch
        {
            client.Dispose();
            throw;
        }
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

    /// <summary>
    /// The config and layers: skipped when present, mounted from the base's repository when possible, else uploaded.
    /// The first blob that needs a write goes alone, the rest in parallel after it: a registry that denies writes or
    /// has no such repository answers one request (retried per the policy), not one per blob. Returns the bytes sent.
    /// </summary>
    private async Task<long> PushBlobsAsync(
        RegistryClient client,
        OciArchive archive,
        IReadOnlyList<Descriptor> blobs,
        PushRequest request,
        string? mountFrom,
        ConcurrentDictionary<string, int> counts,
        CancellationToken cancellationToken)
    {
        var repository = request.Repository;
        var missing = new ConcurrentBag<Descriptor>();
        await Parallel.ForEachAsync(
            blobs,
            new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = cancellationToken },
            async (blob, token) =>
            {
                if (await client.BlobExistsAsync(repository, blob.Digest, token).ConfigureAwait(false))
                {
                    counts.AddOrUpdate("present", 1, (_, n) => n + 1);
                    log.Detail($"Drydock: blob {blob.Digest} ({blob.Size} bytes) present");
                }
                else
                {
                    missing.Add(blob);
                }
            }).ConfigureAwait(false);

        var writes = blobs.Where(missing.Contains).ToList();
        if (writes.Count == 0)
        {
            return 0;
        }

        long bytes = 0;
        var mountRefused = 0;
        async ValueTask WriteAsync(Descriptor blob, CancellationToken token)
        {
            string outcome;
            var mounted = mountFrom is null || Volatile.Read(ref mountRefused) != 0 ? false
                : await client.TryMountBlobAsync(repository, blob.Digest, mountFrom, token).ConfigureAwait(false);
            if (mounted is null)
            {
                // No right on the source (or no mounts at all): asking again for each blob would be refused again.
                Interlocked.Exchange(ref mountRefused, 1);
            }

            if (mounted == true)
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
        }

        try
        {
            await WriteAsync(writes[0], cancellationToken).ConfigureAwait(false);
        }
        catch (DrydockException e) when (e.Code == KnownCodes.RegistryUnavailable && e.InnerException is TransientRegistryException { InnerException: not null })
        {
            // ECR cuts the connection of an upload to a repository that does not exist instead of answering 404.
            throw new DrydockException(
                e.Code,
                $"{e.Message} The connection was cut on the first upload to {repository}: {request.Registry} may have no such repository (Amazon ECR closes the connection instead of answering 404). Create it (aws ecr create-repository --repository-name {repository}) or check ContainerRepository, then publish again.",
                e.InnerException);
        }

        await Parallel.ForEachAsync(
            writes.Skip(1),
            new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = cancellationToken },
            WriteAsync).ConfigureAwait(false);
        return bytes;
    }

    /// <summary>
    /// The base image's repository when it lives in the target registry (from
    /// <c>org.opencontainers.image.base.name</c>, as pulled through <paramref name="baseRegistry"/>, <see cref="BaseImageMirror"/>):
    /// its layers can be mounted instead of uploaded.
    /// </summary>
    public static string? BaseRepository(OciArchive archive, string registry, string? baseRegistry = null)
    {
        ArgumentNullException.ThrowIfNull(archive);
        var recorded = OciJson.GetString(archive.Manifest["annotations"]?[BaseNameKey])
            ?? OciJson.GetString(archive.Config["config"]?["Labels"]?[BaseNameKey]);
        var name = recorded is null ? null : BaseImageMirror.Pulled(recorded, baseRegistry);
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
        CheckDirty(dirty && !request.AllowDirty, request.Registry, request.Repository, request.Tags);
    }

    /// <summary>
    /// DRY6011 before anything is built: the metadata's <c>io.drydock.git.dirty</c> label (<paramref name="labels"/>,
    /// <c>key=value</c>... as <c>ContainerLabel</c> items give them) says the tree is dirty, a push is asked
    /// (<paramref name="push"/> and a <paramref name="registry"/>), and <paramref name="allowDirty"/> (<c>DrydockPushDirty</c>) is not set.
    /// </summary>
    public static void CheckDirty(IReadOnlyDictionary<string, string> labels, bool push, bool allowDirty, string? registry, string repository, IReadOnlyList<string> tags)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var dirty = labels.TryGetValue(DirtyKey, out var value) && value == "true";
        CheckDirty(dirty && push && !string.IsNullOrWhiteSpace(registry) && !allowDirty, registry ?? "", repository, tags);
    }

    private static void CheckDirty(bool refused, string registry, string repository, IReadOnlyList<string> tags)
    {
        if (refused)
        {
            throw new DrydockException(
                KnownCodes.DirtyPushRefused,
                $"The image is built from a working tree with uncommitted changes (label {DirtyKey}=true), so its bytes belong to no commit, and {registry}/{repository} would get them under {string.Join(", ", tags.Select(MessageText.Quote))}. Commit the changes and publish again, or set DrydockPushDirty=true to push it anyway (it is tagged only sha-<commit>-dirty), or DrydockPush=false to keep it local.");
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
    /// Step 2 for one target: the tags to set (floating tags per <see cref="FloatingTags"/>) and what each names now. A tag
    /// that already names these bytes is not written again. A tag that names other bytes is explained from both builds'
    /// <see cref="BuildRecord"/>: an exact version stops the push (DRY6012, unless <see cref="PushRequest.AllowImmutableTagMove"/>);
    /// a commit's <c>sha-</c> tag, or a branch or <c>pr-</c> tag of the same commit, moves with a warning (DRY6014) naming
    /// the cause; other moves (a branch to a new commit, <c>latest</c>) are logged at detail level.
    /// </summary>
    private async Task PlanTagsAsync(StagedPush target, CancellationToken cancellationToken)
    {
        var (client, request) = (target.Client, target.Request);
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

        target.Planned = tags.Distinct(StringComparer.Ordinal).ToList();
        var tested = target.Subject.Digest;
        var causes = new Dictionary<Digest, string>();
        var warned = new List<string>();
        var remedies = new List<string>();
        foreach (var tag in target.Planned)
        {
            var current = await client.HeadManifestAsync(request.Repository, tag, cancellationToken).ConfigureAwait(false);
            if (current is null)
            {
                continue;
            }

            if (current.Digest == tested)
            {
                target.Unchanged.Add(tag);
                log.Detail($"Drydock: {request.Registry}/{request.Repository}:{tag} already names {tested}; not written again");
                continue;
            }

            if (!causes.TryGetValue(current.Digest, out var cause))
            {
                var before = await ReadRecordAsync(client, request.Repository, current.Digest, cancellationToken).ConfigureAwait(false);
                cause = before is null ? "the image it names carries no Drydock record" : BuildRecord.Explain(before, target.Record);
                causes[current.Digest] = cause;
                target.SameCommit[current.Digest] = before is not null && before.Revision is not null && before.Revision == target.Record.Revision;
                // Advice for the same commit's other bytes only: another commit's differences are no fault.
                remedies.AddRange(before is not null && target.SameCommit[current.Digest] ? BuildRecord.Remedies(before, target.Record) : []);
            }

            target.Moves[tag] = current.Digest;
            if (ImmutableTags.Names(tag) && !request.AllowImmutableTagMove)
            {
                throw new DrydockException(
                    KnownCodes.ImmutableTagMoved,
                    $"{request.Registry}/{request.Repository}:{tag} already names {current.Digest}, and this build is {tested}; what changed: {cause}. An exact version names one build, so no tag was set. " +
                    "Publish a new version, push under other tags (ContainerImageTags), or set DrydockMoveImmutableTags=true to move it on purpose.");
            }

            if (ImmutableTags.NamesCommit(tag) || (target.SameCommit[current.Digest] && !FloatingTags.Floats(tag)))
            {
                warned.Add($"{tag} (was {current.Digest}: {cause})");
            }
            else
            {
                log.Detail($"Drydock: {request.Registry}/{request.Repository}:{tag} moves from {current.Digest} ({cause})");
            }
        }

        var remedy = remedies.Count == 0 ? "Pin what changed" : string.Join("; ", remedies.Distinct(StringComparer.Ordinal));
        if (warned.Count > 0 && request.MovedTagIsError)
        {
            throw new DrydockException(
                KnownCodes.TagMovedToRebuild,
                $"{request.Registry}/{request.Repository}: the same commit built to other bytes ({tested}), and this build treats DRY6014 as an error, so no tag was set: {string.Join("; ", warned)}. " +
                $"{char.ToUpperInvariant(remedy[0])}{remedy[1..]}, or add DRY6014 to WarningsNotAsErrors to let a commit's tags move to its newest build.");
        }

        // Said once the tags have moved (step 3), not while a later check may still stop the push.
        target.MoveWarning = warned.Count == 0 ? null
            : $"{request.Registry}/{request.Repository}: the same commit built to other bytes, so these tags moved to {tested}: {string.Join("; ", warned)}. To keep a commit's image stable: {remedy}.";
    }

    /// <summary>The record of what <paramref name="digest"/> holds: its manifest's annotations and (for an image) its config; null when it has neither.</summary>
    private static async Task<BuildRecord?> ReadRecordAsync(RegistryClient client, string repository, Digest digest, CancellationToken cancellationToken)
    {
        var manifest = await client.GetManifestAsync(repository, digest.ToString(), cancellationToken).ConfigureAwait(false) is { } found
            ? OciJson.TryParseObject(found.Bytes) : null;
        if (manifest is null)
        {
            return null;
        }

        JsonObject? config = null;
        if (manifest["config"] is JsonObject descriptor && Digest.TryParse(OciJson.GetString(descriptor["digest"]), out var configDigest)
            && await client.GetBlobAsync(repository, configDigest, MaxConfigBytes, cancellationToken).ConfigureAwait(false) is { } bytes)
        {
            config = OciJson.TryParseObject(bytes);
        }

        return BuildRecord.Read(manifest, config);
    }

    private const int MaxConfigBytes = 4 * 1024 * 1024;

    /// <summary>
    /// Step 3 for one target: its moves (<paramref name="moves"/>) or its new tags. A move the registry refuses as an
    /// immutable tag is DRY6013, naming the tag and the setting.
    /// </summary>
    private async Task SetTagsAsync(StagedPush target, bool moves, CancellationToken cancellationToken)
    {
        var (client, request) = (target.Client, target.Request);
        var tested = target.Subject.Digest;
        foreach (var tag in target.Planned.Where(tag => target.Moves.ContainsKey(tag) == moves && !target.Unchanged.Contains(tag)))
        {
            try
            {
                var put = await client.PutManifestAsync(request.Repository, tag, target.Manifest, target.Subject.MediaType, cancellationToken).ConfigureAwait(false);
                CheckDigest(request, tested, put.Digest, $"its answer to the PUT of tag {tag}");
            }
            catch (DrydockException e) when (moves && ImmutableTagWords.Any(word => e.Message.Contains(word, StringComparison.OrdinalIgnoreCase)))
            {
                throw new DrydockException(
                    KnownCodes.RegistryTagImmutable,
                    $"{request.Registry}/{request.Repository} refused to move tag '{tag}' from {target.Moves[tag]} to {tested}: the repository keeps tags immutable (ECR: image tag mutability IMMUTABLE; Harbor: an immutability rule; Artifact Registry: immutable tags). " +
                    $"Push tags that name one build only (ContainerImageTags=sha-…;<version>; the floating and branch tags Drydock adds are the ones that move), or make the repository's tags mutable. The registry's answer ({e.Code}): {e.Message}",
                    e);
            }

            target.Set.Add(tag);
            log.Detail($"Drydock: tagged {request.Registry}/{request.Repository}:{tag}{(moves ? $" (was {target.Moves[tag]})" : "")}");
        }
    }

    /// <summary>The referrers of <see cref="PushRequest.Referrers"/> about <paramref name="subject"/>, each attached or with the error that kept it out.</summary>
    private async Task<IReadOnlyList<AttachedReferrer>> AttachReferrersAsync(RegistryClient client, PushRequest request, Descriptor subject, CancellationToken cancellationToken)
    {
        var attached = new List<AttachedReferrer>();
        foreach (var content in request.Referrers.Where(r => r.Subject == subject.Digest))
        {
            var annotations = request.ReferrerAnnotations.Concat(content.Annotations).GroupBy(pair => pair.Key).ToDictionary(group => group.Key, group => group.Last().Value);
            var artifact = new ReferrerArtifact(content.ArtifactType, content.Content, subject, annotations);
            try
            {
                var digest = await PushReferrerAsync(client, request, artifact, subject, cancellationToken).ConfigureAwait(false);
                attached.Add(new AttachedReferrer(content.Name, subject.Digest.ToString(), digest?.ToString(), null));
            }
            catch (DrydockException e)
            {
                attached.Add(new AttachedReferrer(content.Name, subject.Digest.ToString(), null, $"{e.Code}: {e.Message}"));
            }
        }

        return attached;
    }

    /// <summary>
    /// Pushes one referrer artifact of <paramref name="subject"/>: its blobs and manifest by digest; a registry without the
    /// referrers API (no <c>OCI-Subject</c> in its answer) gets it listed in the referrers tag's index instead — unless that
    /// tag names something that is not a referrers index (GitLab resolves <c>sha256-&lt;hex&gt;</c> to the subject itself,
    /// oras-go#1396): then nothing is written there (DRY6015). A failure throws its DRY code; the image is pushed by then.
    /// Returns the artifact's digest when it can be found from the subject, else null.
    /// </summary>
    private async Task<Digest?> PushReferrerAsync(RegistryClient client, PushRequest request, ReferrerArtifact artifact, Descriptor subject, CancellationToken cancellationToken)
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
            var taggedName = $"{request.Registry}/{request.Repository}:{tag}";
            if (_unusableTagsWarned.Contains(taggedName))
            {
                // Every attestation of the subject meets the same tag: said once.
                return null;
            }

            var existing = await client.GetManifestAsync(request.Repository, tag, cancellationToken).ConfigureAwait(false);
            if (existing is { } found && ReferrerArtifact.NotAReferrersIndex(found.Bytes, found.MediaType, subject.Digest) is { } what)
            {
                _unusableTagsWarned.Add(taggedName);
                log.Warning(
                    KnownCodes.ReferrersTagUnusable,
                    $"{request.Registry}/{request.Repository} has no referrers API, and its tag {tag} names {what}, not a referrers index (the registry resolves such tags itself), so Drydock wrote nothing there: the {artifact.ArtifactType} artifact {artifact.Manifest.Digest} is in the registry by digest but cannot be found from the image. " +
                    "Push to a registry or version with the OCI referrers API (GitLab: none yet), or use the files beside the report (drydock.json, the test results) as the evidence.");
                return null;
            }

            var index = artifact.AddTo(existing?.Bytes);
            if (existing is null || !index.AsSpan().SequenceEqual(existing.Value.Bytes))
            {
                try
                {
                    await client.PutManifestAsync(request.Repository, tag, index, OciMediaTypes.ImageIndex, cancellationToken).ConfigureAwait(false);
                }
                catch (DrydockException e) when (existing is not null && ImmutableTagWords.Any(word => e.Message.Contains(word, StringComparison.OrdinalIgnoreCase)))
                {
                    // An immutable-tag repository (ECR, Harbor, Artifact Registry) keeps the index an earlier publish wrote there:
                    // its referrers stay findable, this publish's cannot be added. The same kind as a tag the registry resolves itself.
                    _unusableTagsWarned.Add(taggedName);
                    log.Warning(
                        KnownCodes.ReferrersTagUnusable,
                        $"{request.Registry}/{request.Repository} has no referrers API and keeps its tags immutable, so the referrers tag {tag} cannot list this publish's artifacts: the {artifact.ArtifactType} artifact {artifact.Manifest.Digest} is in the registry by digest, and the referrers an earlier publish listed there stay. " +
                        "Exclude tags matching sha256-* from the repository's tag immutability (ECR and Harbor allow exclusion filters), push to a registry with the OCI referrers API, or use the files beside the report (drydock.json, drydock.attestations/) as the evidence.");
                    return null;
                }
            }

            log.Detail($"Drydock: {artifact.ArtifactType} {artifact.Manifest.Digest} listed under the referrers tag {tag}");
        }

        return artifact.Manifest.Digest;
    }

    /// <summary>One target between its steps: the client, what was pushed by digest, and the tags planned, found and set.</summary>
    private sealed class StagedPush(RegistryClient client, PushRequest request, Descriptor subject, byte[] manifest, BuildRecord record) : IDisposable
    {
        public RegistryClient Client { get; } = client;

        /// <summary>In the registry's API names (<see cref="ResolveTarget"/>).</summary>
        public PushRequest Request { get; } = request;

        /// <summary>As the caller gave it, to match results to targets.</summary>
        public PushRequest? Original { get; set; }

        /// <summary>The tested manifest (or index) as pushed.</summary>
        public Descriptor Subject { get; } = subject;

        public byte[] Manifest { get; } = manifest;

        public BuildRecord Record { get; } = record;

        public ConcurrentDictionary<string, int> Counts { get; } = new();

        public long BytesUploaded { get; set; }

        public IReadOnlyDictionary<string, string>? Platforms { get; init; }

        public List<string> Planned { get; set; } = [];

        public List<string> Unchanged { get; } = [];

        /// <summary>Tags that name other bytes now, and the digest each names.</summary>
        public Dictionary<string, Digest> Moves { get; } = new(StringComparer.Ordinal);

        /// <summary>Per digest a moving tag names: whether it was built from the same commit.</summary>
        public Dictionary<Digest, bool> SameCommit { get; } = [];

        public List<string> Set { get; } = [];

        /// <summary>DRY6014's message when commit or same-commit tags move; logged once they have.</summary>
        public string? MoveWarning { get; set; }


        /// <summary>For an index: its platforms' manifests, which get their own referrers.</summary>
        public IReadOnlyList<Descriptor> PlatformSubjects { get; init; } = [];

        public List<AttachedReferrer> Referrers { get; } = [];

        public PushResult Result() => new()
        {
            Registry = Request.Registry,
            Repository = Request.Repository,
            Digest = Subject.Digest.ToString(),
            Tags = Planned.Where(tag => Set.Contains(tag) || Unchanged.Contains(tag)).ToList(),
            TagsUnchanged = [.. Unchanged],
            TagsMoved = Moves.Where(move => Set.Contains(move.Key)).ToDictionary(move => move.Key, move => move.Value.ToString(), StringComparer.Ordinal),
            Verified = true,
            BlobsUploaded = Counts.GetValueOrDefault("uploaded"),
            BlobsMounted = Counts.GetValueOrDefault("mounted"),
            BlobsPresent = Counts.GetValueOrDefault("present"),
            BytesUploaded = BytesUploaded,
            Referrers = [.. Referrers],
            Manifests = Platforms,
        };

        public void Dispose() => Client.Dispose();
    }

    private static string List(IEnumerable<string> tags) => string.Join(", ", tags) is { Length: > 0 } text ? text : "none";
}
