using System.Text.Json;
using Drydock.Build.Diagnostics;
using Drydock.Build.Oci;
using Drydock.Build.Oci.Registry;
using Drydock.Build.Runtime;
using Drydock.Build.Testing;
using Microsoft.Build.Framework;
using NuGet.Versioning;

namespace Drydock.Build.Tasks;

/// <summary>
/// Pushes the tested archive to <c>ContainerRegistry</c> and each <c>DrydockPushRegistry</c> (see <see cref="ImagePusher"/>),
/// each verified by digest, attaches the test results as a referrer, and leaves what the registries confirmed in
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

    public bool Tested { get; set; }

    /// <summary><c>DrydockPushDirty</c>: push an image built from uncommitted changes (else DRY6011).</summary>
    public bool PushDirty { get; set; }

    /// <summary><c>DrydockMoveImmutableTags</c>: let a commit or exact-version tag move to other bytes (else DRY6012).</summary>
    public bool MoveImmutableTags { get; set; }

    public ITaskItem[] TestResults { get; set; } = [];

    /// <summary>The test profile (<c>DRYDOCK_TEST_*</c> items with a Value), recorded in the referrer.</summary>
    public ITaskItem[] Profile { get; set; } = [];

    public string? Revision { get; set; }

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
        var request = new PushRequest
        {
            Registry = Registry,
            Repository = Repository,
            Tags = ImageName.SplitTags(Tags),
            Version = NuGetVersion.TryParse(StableVersion, out var version) ? version : null,
            AllowDirty = PushDirty,
            AllowImmutableTagMove = MoveImmutableTags,
            // Also untested: the registry then says tested: false, not nothing.
            TestResults = TestResultsDocument.Create(
                tested.ToString(),
                Revision,
                Tested,
                TestResults.Select(TestResultItems.FromItem).ToArray(),
                Profile.ToDictionary(item => item.ItemSpec, item => item.GetMetadata("Value"))),
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
