using Drydock.Build.Diagnostics;
using System.Text.Json;
using Drydock.Build.Oci;
using Drydock.Build.Oci.Registry;
using Drydock.Build.Policy;
using Drydock.Build.Reporting;
using Drydock.Build.Runtime;
using Microsoft.Build.Framework;

namespace Drydock.Build.Tasks;

/// <summary>
/// Writes drydock.json from the image archive itself (digests, labels, annotations are what was built),
/// and appends a Markdown summary to <c>$GITHUB_STEP_SUMMARY</c> when set.
/// </summary>
public sealed class WriteReport : DrydockTask
{
    [Required]
    public string ReportPath { get; set; } = "";

    [Required]
    public string Archive { get; set; } = "";

    public string? Registry { get; set; }

    [Required]
    public string Repository { get; set; } = "";

    public string? Tags { get; set; }

    public string? Version { get; set; }

    public string? Runtime { get; set; }

    public string? StepSummaryPath { get; set; }

    /// <summary>What <see cref="TestImage"/> returned; empty when the tests did not run.</summary>
    public ITaskItem[] TestResults { get; set; } = [];

    public bool Tested { get; set; }

    /// <summary>The local engine's names were set on this image (<c>DrydockTagImage</c>, or the load outside a publish).</summary>
    public bool Tagged { get; set; }

    /// <summary>True for the report written before the tests start: it stays when the publish is stopped while they run.</summary>
    public bool Cancelled { get; set; }

    /// <summary>The signal that stopped the tests (<see cref="TestImage.StoppedBy"/>): the report says cancelled too.</summary>
    public string? StoppedBy { get; set; }

    /// <summary>What <see cref="LintImage"/> found, when it ran: one file, or one per platform (semicolon-separated).</summary>
    public string? FindingsPath { get; set; }

    /// <summary>For a multi-platform image, <see cref="ReadImage"/>'s platforms; the report's image facts then come from <see cref="LoadPlatform"/>'s image.</summary>
    public ITaskItem[] Platforms { get; set; } = [];

    /// <summary>The platform loaded and tested (<see cref="ReadImage.LoadPlatform"/>), for a multi-platform image.</summary>
    public string? LoadPlatform { get; set; }

    /// <summary>The index digest, for a multi-platform image.</summary>
    public string? ImageDigest { get; set; }

    /// <summary><see cref="TestImage.TestedPlatforms"/>: the platforms whose tests ran, semicolon-separated.</summary>
    public string? TestedPlatforms { get; set; }

    /// <summary>What <see cref="PushImage"/> confirmed, when it pushed.</summary>
    public string? PushResultPath { get; set; }

    /// <summary>What <see cref="AttestImage"/> wrote (its records), when it ran.</summary>
    public string? AttestationsPath { get; set; }

    /// <summary>The SBOMs <see cref="WriteSbom"/> wrote (its <c>Predicates</c>).</summary>
    public ITaskItem[] Sboms { get; set; } = [];

    protected override void Execute(IBuildLog log, CancellationToken cancellationToken)
    {
        var report = Platforms.Length == 0
            ? ImageReports.FromArchive(OciArchive.Open(Archive), Registry, Repository, ImageName.SplitTags(Tags))
            : ImageReports.FromIndex(OciArchive.OpenImage(Archive, LoadPlatform), Archive, ImageDigest!, Platforms.Select(ToPlatform).ToArray(), Registry, Repository, ImageName.SplitTags(Tags));
        var findings = (FindingsPath ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(File.Exists)
            .SelectMany(path => JsonSerializer.Deserialize(File.ReadAllText(path), LintResultJson.Default.FindingArray)!)
            .ToArray();
        report = report with
        {
            Runtime = string.IsNullOrEmpty(Runtime) ? null : Runtime,
            Tested = Tested,
            Cancelled = Cancelled || !string.IsNullOrEmpty(StoppedBy),
            Tests = TestResults.Select(TestResultItems.FromItem).ToArray(),
            Findings = findings,
            Push = File.Exists(PushResultPath) ? JsonSerializer.Deserialize<PushResult>(File.ReadAllText(PushResultPath)) : null,
            Sboms = Sboms.Where(item => File.Exists(item.ItemSpec)).Select(item => new SbomFile
            {
                Path = item.GetMetadata("FullPath"),
                Subject = item.GetMetadata("Subject"),
                Platform = item.GetMetadata("Platform") is { Length: > 0 } platform ? platform : null,
                PredicateType = item.GetMetadata("PredicateType"),
            }).ToArray(),
        };
        report = report with { Attestations = Attested(report.Push), Image = report.Image with { Tagged = Tagged } };
        report = report with { Source = report.Source with { Version = Version } };
        if (ReportWriter.WriteJson(report, ReportPath))
        {
            log.Detail($"Drydock: wrote {ReportPath}");
        }

        if (!string.IsNullOrEmpty(StepSummaryPath))
        {
            File.AppendAllText(StepSummaryPath, ReportWriter.ToMarkdown(report));
        }
    }

    /// <summary>The attestations, each with what the push to <c>ContainerRegistry</c> made of it.</summary>
    private IReadOnlyList<Attestation.AttestationRecord> Attested(PushResult? push) =>
        [.. Attestation.AttestationRecord.ReadAll(AttestationsPath).Select(record =>
            push?.Referrers.FirstOrDefault(r => r.Name == (record.Bundle ?? record.Statement) && r.Subject == record.Subject) is { } referrer
                ? record with { Referrer = referrer.Digest, Error = referrer.Error }
                : record)];

    private PlatformSection ToPlatform(ITaskItem item)
    {
        var tested = (TestedPlatforms ?? "").Split(';').Contains(item.ItemSpec);
        return new PlatformSection
        {
            Platform = item.ItemSpec,
            Digest = item.GetMetadata("ManifestDigest"),
            ConfigDigest = item.GetMetadata("ConfigDigest"),
            Size = long.Parse(item.GetMetadata("Size"), System.Globalization.CultureInfo.InvariantCulture),
            // Written only for a platform that was loaded (LoadImage cuts it from the index archive).
            Archive = File.Exists(item.GetMetadata("Archive")) ? item.GetMetadata("Archive") : null,
            Loaded = item.GetMetadata("Loaded") == "true",
            Emulated = item.GetMetadata("Emulated") == "true",
            Tested = tested,
            Untested = tested ? null : item.GetMetadata("Test") == "true" ? "its tests did not run in this publish" : item.GetMetadata("Note"),
        };
    }
}
