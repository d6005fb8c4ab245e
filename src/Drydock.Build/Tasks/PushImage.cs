using System.Text.Json;
using Drydock.Build.Attestation;
using Drydock.Build.Diagnostics;
using Drydock.Build.Oci;
using Drydock.Build.Oci.Registry;
using Drydock.Build.Runtime;
using Microsoft.Build.Framework;
using NuGet.Versioning;

namespace Drydock.Build.Tasks;

/// <summary>
/// Pushes the tested archive to <c>ContainerRegistry</c> and each <c>DrydockPushRegistry</c> (see <see cref="ImagePusher"/>),
/// each verified by digest, attaches the attestations as referrers, and leaves what the registries confirmed in
/// <see cref="ResultPath"/> for the report.
/// </summary>
public sealed class PushImage : DrydockTask
{
    [Required]
    public string Archive { get; set; } = "";

    [Required]
    public string Registry { get; set; } = "";

    [Required]
    public string Repository { get; set; } = "";

    /// <summary><c>DrydockPushRegistry</c> items: <c>Include</c> = <c>host[:port]</c>, optional <c>Repository</c> metadata.</summary>
    public ITaskItem[] AdditionalRegistries { get; set; } = [];

    /// <summary>Semicolon-separated, as <c>ContainerImageTags</c>.</summary>
    public string? Tags { get; set; }

    /// <summary>Set only for a stable release; <c>latest</c> may move to it.</summary>
    public string? StableVersion { get; set; }


    /// <summary><c>DrydockPushDirty</c>: push an image built from uncommitted changes (else DRY6011).</summary>
    public bool PushDirty { get; set; }

    /// <summary><c>DrydockMoveImmutableTags</c>: let a commit or exact-version tag move to other bytes (else DRY6012).</summary>
    public bool MoveImmutableTags { get; set; }

    /// <summary><c>DrydockBaseRegistry</c>: where the base image's layers are, for cross-repository mounts (<see cref="BaseImageMirror"/>).</summary>
    public string? BaseRegistry { get; set; }

    /// <summary>The attestations to attach (<see cref="AttestationRecord"/>s written by <see cref="AttestImage"/>); empty or missing: none.</summary>
    public string? Attestations { get; set; }

    /// <summary><c>DrydockRequireAttestations</c> (default true): an attestation the registry refused fails the publish (DRY6020) after the image is pushed; false: a warning.</summary>
    public bool RequireAttestations { get; set; } = true;

    public string? Created { get; set; }

    /// <summary>Where the <see cref="PushResult"/> goes as JSON, for <see cref="WriteReport"/>.</summary>
    [Required]
    public string ResultPath { get; set; } = "";

    [Output]
    public string? PushedDigest { get; private set; }

    protected override void Execute(IBuildLog log, CancellationToken cancellationToken)
    {
        var targets = PushTarget.List(Registry, Repository, AdditionalRegistries.Select(item => (item.ItemSpec, (string?)item.GetMetadata("Repository"))));
        // A multi-platform image is pushed as its index (tested digest = the index's).
        var index = OciArchive.ReadIndex(Archive)?.Index;
        var single = index is null ? OciArchive.Open(Archive) : null;
        var tested = index?.Digest ?? single!.ManifestDescriptor.Digest;
        var environment = ProcessEnvironment();
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var store = new CredentialStore(environment, home);
        var pusher = new ImagePusher(RegistryOptions.FromEnvironment(environment, home), log);
        var attestations = AttestationRecord.ReadAll(Attestations);
        var request = new PushRequest
        {
            Registry = Registry,
            Repository = Repository,
            Tags = ImageName.SplitTags(Tags),
            Version = NuGetVersion.TryParse(StableVersion, out var version) ? version : null,
            AllowDirty = PushDirty,
            AllowImmutableTagMove = MoveImmutableTags,
            MovedTagIsError = WarningIsError(KnownCodes.TagMovedToRebuild),
            BaseRegistry = BaseRegistry,
            Referrers = [.. attestations.Select(ToReferrer)],
            ReferrerAnnotations = string.IsNullOrEmpty(Created) ? new Dictionary<string, string>()
                : new Dictionary<string, string> { ["org.opencontainers.image.created"] = Created },
        };

        var requests = targets.Select(target => request with { Registry = target.Registry, Repository = target.Repository }).ToList();
        PushOutcome outcome;
        try
        {
            outcome = (single is null
                ? pusher.PushIndexAllAsync(Archive, requests, store, cancellationToken)
                : pusher.PushAllAsync(single, requests, store, cancellationToken)).GetAwaiter().GetResult();
        }
        catch (DrydockException e)
        {
            // Refused before any request (DRY6011): the report says so for every target, not nothing.
            outcome = new PushOutcome(
                requests.Select(r => new PushResult { Registry = r.Registry, Repository = r.Repository, Digest = tested.ToString(), Tags = [], Verified = false, Error = $"{e.Code}: {e.Message}" }).ToList(),
                e);
        }

        // The report says per target what the registry confirmed, also when the push failed (a CI reads it).
        // A target never reached has no digest of its own: the report gives the tested one.
        var results = outcome.Results.Select(result => result.Digest.Length == 0 ? result with { Digest = tested.ToString() } : result).ToList();
        var report = results[0] with { OtherRegistries = results.Skip(1).ToList() };
        WriteResult(report);
        if (outcome.Error is not null)
        {
            throw outcome.Error;
        }

        foreach (var result in results)
        {
            Log.LogMessage(
                MessageImportance.High,
                "Drydock: pushed {0}/{1}@{2} ({3}), verified; {4} blobs uploaded, {5} mounted, {6} already there",
                result.Registry, result.Repository, result.Digest, string.Join(", ", result.Tags), result.BlobsUploaded, result.BlobsMounted, result.BlobsPresent);
        }

        PushedDigest = report.Digest;
        CheckReferrers(log, results);
    }

    private static ReferrerContent ToReferrer(AttestationRecord record)
    {
        var (artifactType, annotations, content) = AttestationReferrer.For(record);
        return new ReferrerContent(record.Bundle ?? record.Statement, Digest.Parse(record.Subject), artifactType, content, annotations);
    }

    /// <summary>DRY6020 naming each attestation a registry refused (the image is pushed): an error, or a warning when not required.</summary>
    private void CheckReferrers(IBuildLog log, IReadOnlyList<PushResult> results)
    {
        var failed = results.SelectMany(result => result.Referrers.Where(r => r.Error is not null).Select(r => $"{Path.GetFileName(r.Name)} for {r.Subject} in {result.Registry}/{result.Repository} ({r.Error})")).ToList();
        if (failed.Count == 0)
        {
            return;
        }

        var message = $"The image is pushed and verified, but {failed.Count} attestation(s) could not be attached: {string.Join("; ", failed)}. The files are beside the report (drydock.json lists them); rerun the publish to attach them, or push them yourself.";
        if (RequireAttestations)
        {
            throw new DrydockException(KnownCodes.AttestationNotAttached, message + " Set DrydockRequireAttestations=false to publish without them.");
        }

        log.Warning(KnownCodes.AttestationNotAttached, message);
    }

    private void WriteResult(PushResult result)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(ResultPath))!);
        File.WriteAllText(ResultPath, JsonSerializer.Serialize(result));
    }

    private static Dictionary<string, string?> ProcessEnvironment() =>
        Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(entry => (string)entry.Key, entry => (string?)entry.Value, OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
}
