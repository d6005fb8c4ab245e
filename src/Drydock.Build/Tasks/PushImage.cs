using System.Text.Json;
using System.Text.Json.Nodes;
using Drydock.Build.Diagnostics;
using Drydock.Build.Oci;
using Drydock.Build.Oci.Registry;
using Drydock.Build.Runtime;
using Microsoft.Build.Framework;
using NuGet.Versioning;

namespace Drydock.Build.Tasks;

/// <summary>
/// Pushes the tested archive to <c>ContainerRegistry</c> (see <see cref="ImagePusher"/>), attaches the
/// test results as a referrer, and leaves what the registry confirmed in <see cref="ResultPath"/> for the report.
/// </summary>
public sealed class PushImage : DrydockTask
{
    [Required]
    public string Archive { get; set; } = "";

    [Required]
    public string Registry { get; set; } = "";

    [Required]
    public string Repository { get; set; } = "";

    /// <summary>Semicolon-separated, as <c>ContainerImageTags</c>.</summary>
    public string? Tags { get; set; }

    /// <summary>Set only for a stable release; <c>latest</c> may move to it.</summary>
    public string? StableVersion { get; set; }

    public bool Tested { get; set; }

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
        // A multi-platform image is pushed as its index (tested digest = the index's).
        var index = OciArchive.ReadIndex(Archive)?.Index;
        var tested = index?.Digest ?? OciArchive.Open(Archive).ManifestDescriptor.Digest;
        var environment = ProcessEnvironment();
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var credential = new CredentialStore(environment, home).Find(Registry, cancellationToken);
        log.Detail($"Drydock: credentials for {Registry}: {credential?.ToString() ?? "none (anonymous)"}");
        var request = new PushRequest
        {
            Registry = Registry,
            Repository = Repository,
            Tags = ImageName.SplitTags(Tags),
            Version = NuGetVersion.TryParse(StableVersion, out var version) ? version : null,
            TestResults = Tested ? TestResultsDocument(tested) : null,
            ReferrerAnnotations = string.IsNullOrEmpty(Created) ? new Dictionary<string, string>()
                : new Dictionary<string, string> { ["org.opencontainers.image.created"] = Created },
        };

        var pusher = new ImagePusher(RegistryOptions.FromEnvironment(environment, home), credential, log);
        var result = (index is null
            ? pusher.PushAsync(OciArchive.Open(Archive), request, cancellationToken)
            : pusher.PushIndexAsync(Archive, request, cancellationToken)).GetAwaiter().GetResult();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(ResultPath))!);
        File.WriteAllText(ResultPath, JsonSerializer.Serialize(result));
        PushedDigest = result.Digest;
        Log.LogMessage(
            MessageImportance.High,
            "Drydock: pushed {0}/{1}@{2} ({3}), verified; {4} blobs uploaded, {5} mounted, {6} already there",
            result.Registry, result.Repository, result.Digest, string.Join(", ", result.Tags), result.BlobsUploaded, result.BlobsMounted, result.BlobsPresent);
    }

    /// <summary>
    /// What the referrer artifact records: the digest tested, the profile, the counts, the commit. Nothing
    /// that changes between runs of the same tests (durations, cache hits), so a re-push attaches the same artifact.
    /// </summary>
    private byte[] TestResultsDocument(Digest tested)
    {
        var results = TestResults.Select(TestResultItems.FromItem).ToList();
        var document = new JsonObject
        {
            ["schemaVersion"] = 1,
            ["digest"] = tested.ToString(),
            ["revision"] = Revision,
            ["passed"] = results.Sum(r => r.Passed),
            ["failed"] = results.Sum(r => r.Failed),
            ["skipped"] = results.Sum(r => r.Skipped),
            ["profile"] = new JsonObject(Profile
                .Where(item => !string.IsNullOrEmpty(item.GetMetadata("Value")))
                .Select(item => KeyValuePair.Create(ProfileKey(item.ItemSpec), (JsonNode?)item.GetMetadata("Value")))),
            ["projects"] = new JsonArray([.. results.Select(r => (JsonNode)new JsonObject
            {
                ["project"] = r.Project,
                ["passed"] = r.Passed,
                ["failed"] = r.Failed,
                ["skipped"] = r.Skipped,
            })]),
        };
        return JsonSerializer.SerializeToUtf8Bytes(document);
    }

    /// <summary><c>DRYDOCK_TEST_MEMORY</c> → <c>memory</c>.</summary>
    private static string ProfileKey(string variable) =>
        (variable.StartsWith("DRYDOCK_TEST_", StringComparison.Ordinal) ? variable["DRYDOCK_TEST_".Length..] : variable).ToLowerInvariant();

    private static Dictionary<string, string?> ProcessEnvironment() =>
        Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(entry => (string)entry.Key, entry => (string?)entry.Value, OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
}
