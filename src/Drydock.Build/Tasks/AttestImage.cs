using System.Reflection;
using Drydock.Build.Attestation;
using Drydock.Build.Ci;
using Drydock.Build.Diagnostics;
using Drydock.Build.Metadata;
using Drydock.Build.Oci;
using Microsoft.Build.Framework;

namespace Drydock.Build.Tasks;

/// <summary>
/// Writes the image's attestations (<see cref="AttestationPlan"/>: provenance, test results, and each
/// <c>DrydockAttestationPredicate</c>) as in-toto statements into <see cref="Directory"/>, signed into Sigstore bundles
/// when a key is given (<see cref="SigningKey"/>), and lists them in <see cref="RecordsPath"/> for the push and the report.
/// Runs before the test gate, so a failed run still leaves its FAILED statement, and before any push, so a bad key
/// (DRY2030–DRY2033) or a required but missing one (DRY2034) stops the publish with nothing pushed.
/// </summary>
public sealed class AttestImage : DrydockTask
{
    [Required]
    public string Archive { get; set; } = "";

    /// <summary>The subjects' name: <c>ContainerRepository</c>, prefixed by <c>ContainerRegistry</c> when set.</summary>
    [Required]
    public string SubjectName { get; set; } = "";

    /// <summary><c>DrydockImagePlatform</c> items of a multi-platform image (<c>ManifestDigest</c>, <c>Emulated</c>).</summary>
    public ITaskItem[] Platforms { get; set; } = [];

    /// <summary>A single-platform image's platform (<c>DrydockLoadPlatform</c>).</summary>
    public string? Platform { get; set; }

    public ITaskItem[] TestResults { get; set; } = [];

    /// <summary>The test profile (<c>DRYDOCK_TEST_*</c> items with a Value).</summary>
    public ITaskItem[] Profile { get; set; } = [];

    /// <summary><c>DrydockAttestationPredicate</c> items: the predicate JSON file, metadata <c>PredicateType</c> and <c>Subject</c>.</summary>
    public ITaskItem[] Predicates { get; set; } = [];

    /// <summary><c>DrydockSigningKey</c>: a PEM file; else the <c>DRYDOCK_SIGNING_KEY</c> variable's PEM; else unsigned.</summary>
    public string? SigningKey { get; set; }

    /// <summary><c>DrydockRequireSigning</c>: no key is DRY2034.</summary>
    public bool RequireSigning { get; set; }

    [Required]
    public string ProjectPath { get; set; } = "";

    public string? Configuration { get; set; }

    /// <summary>Semicolon-separated RIDs built.</summary>
    public string? RuntimeIdentifiers { get; set; }

    /// <summary>The properties that shaped the image, recorded in the provenance: <c>Include</c> = name, <c>Value</c>.</summary>
    public ITaskItem[] Properties { get; set; } = [];

    /// <summary>When the publish started (RFC 3339), for the provenance's <c>startedOn</c>.</summary>
    public string? StartedOn { get; set; }

    [Required]
    public string Directory { get; set; } = "";

    [Required]
    public string RecordsPath { get; set; } = "";

    [Output]
    public bool IsSigned { get; private set; }

    [Output]
    public ITaskItem[] Files { get; private set; } = [];

    protected override void Execute(IBuildLog log, CancellationToken cancellationToken)
    {
        var environment = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(entry => (string)entry.Key, entry => (string?)entry.Value ?? "", StringComparer.Ordinal);
        using var key = Attestation.SigningKey.Resolve(SigningKey, environment.GetValueOrDefault, RequireSigning);

        log.Detail($"Drydock: signing with {(key is null ? "no key (the statements are attached unsigned)" : key.ToString())}");
        var index = OciArchive.ReadIndex(Archive)?.Index;
        var image = index is null ? OciArchive.Open(Archive) : OciArchive.OpenIndex(Archive)!.Value.Images[0].Image;
        var labels = image.Config["config"]?["Labels"];
        string? Label(string name) => OciJson.GetString(labels?[name]);
        var ci = CiEnvironment.Detect(environment, log);
        var facts = new ProvenanceFacts
        {
            Project = RelativeToRepository(ProjectPath),
            Configuration = Configuration ?? "",
            RuntimeIdentifiers = (RuntimeIdentifiers ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            Properties = Properties.Where(p => p.GetMetadata("Value").Length > 0).ToDictionary(p => p.ItemSpec, p => p.GetMetadata("Value")),
            RepositoryUrl = Label(LabelKeys.Source),
            Revision = Label(LabelKeys.Revision),
            BaseImage = Label(LabelKeys.BaseName),
            BaseDigest = Label(LabelKeys.BaseDigest),
            SdkVersion = Label(LabelKeys.BuildSdk),
            DrydockVersion = DrydockVersion(),
            Ci = ci,
            LocalInvocationId = Guid.NewGuid().ToString(),
            StartedOn = DateTimeOffset.TryParse(StartedOn, System.Globalization.CultureInfo.InvariantCulture, out var started) ? started : DateTimeOffset.UtcNow,
            FinishedOn = DateTimeOffset.UtcNow,
        };

        var platforms = Platforms.Select(p => new AttestationSubject(Digest.Parse(p.GetMetadata("ManifestDigest")), p.ItemSpec, p.GetMetadata("Emulated") == "true")).ToList();
        var requests = AttestationPlan.Create(
            SubjectName,
            index?.Digest ?? image.ManifestDescriptor.Digest,
            Platform ?? "",
            platforms,
            [.. TestResults.Select(TestResultItems.FromItem)],
            Profile.ToDictionary(item => item.ItemSpec, item => item.GetMetadata("Value")),
            ProvenancePredicate.Create(facts),
            ci?.RunUrl,
            [.. Predicates.Select(p => new ExtraPredicate(p.GetMetadata("FullPath"), p.GetMetadata("PredicateType"), Subject(p)))]);
        var records = new Attestor(key, log).WriteAsync(Directory, requests, cancellationToken).GetAwaiter().GetResult();
        AttestationRecord.WriteAll(RecordsPath, records);
        IsSigned = key is not null;
        Files = [.. records.SelectMany(r => new[] { r.Statement, r.Bundle }).OfType<string>().Select(f => new Microsoft.Build.Utilities.TaskItem(f))];
        Log.LogMessage(MessageImportance.High, "Drydock: {0} attestation(s) {1} in {2}", records.Count, IsSigned ? $"signed by {key!.KeyId}" : "unsigned", Directory);
    }

    private static Digest? Subject(ITaskItem item)
    {
        var text = item.GetMetadata("Subject");
        if (text.Length == 0)
        {
            return null;
        }

        return Digest.TryParse(text, out var digest) ? digest
            : throw new DrydockException(KnownCodes.InvalidAttestationPredicate, $"The DrydockAttestationPredicate '{item.ItemSpec}' has Subject '{text}', which is no sha256:<64 hex> digest. Set it to a manifest digest of this image (DrydockImageDigest, or a DrydockImagePlatform's ManifestDigest).");
    }

    /// <summary>The project's path from the repository root (the folder holding <c>.git</c>), with <c>/</c>; the file name when there is none.</summary>
    internal static string RelativeToRepository(string project)
    {
        var full = Path.GetFullPath(project);
        for (var directory = Path.GetDirectoryName(full); directory is not null; directory = Path.GetDirectoryName(directory))
        {
            if (System.IO.Directory.Exists(Path.Combine(directory, ".git")) || File.Exists(Path.Combine(directory, ".git")))
            {
                return Path.GetRelativePath(directory, full).Replace('\\', '/');
            }
        }

        return Path.GetFileName(full);
    }

    private static string DrydockVersion()
    {
        var version = typeof(AttestImage).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus >= 0 ? version[..plus] : version;
    }
}
