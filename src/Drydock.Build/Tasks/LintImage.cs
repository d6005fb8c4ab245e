using System.Text.Json;
using Drydock.Build.Diagnostics;
using Drydock.Build.Oci;
using Drydock.Build.Policy;
using Microsoft.Build.Framework;

namespace Drydock.Build.Tasks;

/// <summary>
/// Checks the image for hardening mistakes from its config and layers, before anything runs it.
/// Findings become coded MSBuild warnings and errors (NoWarn and WarningsAsErrors apply through
/// MSBuild; TreatWarningsAsErrors, which MSBuild leaves to compilers, is applied here), a SARIF file,
/// and a findings file the report reads.
/// </summary>
public sealed class LintImage : DrydockTask
{
    [Required]
    public string Archive { get; set; } = "";

    public string Configuration { get; set; } = "Release";

    /// <summary><c>InvariantGlobalization</c> as the project sets it: <c>true</c>, <c>false</c>, or empty when unset.</summary>
    public string? InvariantGlobalization { get; set; }

    /// <summary>The base image the build used: the SDK's computed <c>ContainerBaseImage</c>.</summary>
    public string? BaseImage { get; set; }

    /// <summary><c>ContainerBaseImage</c> as the project or command line wrote it (captured before the SDK fills it in); empty when not written.</summary>
    public string? WrittenBaseImage { get; set; }

    public int MaxExposedPorts { get; set; } = 2;

    /// <summary><c>DrydockRequirePinnedBase</c>: a tag base is a DRY4012 warning rather than a note.</summary>
    public bool RequirePinnedBase { get; set; }

    /// <summary><c>DrydockWarnOnDevelopmentSettings</c>: published <c>appsettings.Development.json</c> is a DRY4005 warning rather than a note.</summary>
    public bool WarnOnDevelopmentSettings { get; set; }

    /// <summary><c>DrydockWarnOnDebugSymbols</c>: large debug symbols in the app layers are a DRY4015 warning rather than a note.</summary>
    public bool WarnOnDebugSymbols { get; set; }

    /// <summary><c>DrydockWarnOnNuGetConfig</c>: a published <c>NuGet.config</c> without credentials is a DRY4005 warning rather than a note.</summary>
    public bool WarnOnNuGetConfig { get; set; }

    /// <summary><c>ContainerImageSizeBudget</c>: bytes, or <c>200MB</c> / <c>200MiB</c>.</summary>
    public string? SizeBudget { get; set; }

    /// <summary><c>DrydockLintRule</c> items: the code, with metadata <c>Severity</c>.</summary>
    public ITaskItem[] Rules { get; set; } = [];

    public string? NoWarn { get; set; }

    public bool TreatWarningsAsErrors { get; set; }

    public string? WarningsNotAsErrors { get; set; }

    [Required]
    public string SarifPath { get; set; } = "";

    [Required]
    public string FindingsPath { get; set; } = "";

    public string? CacheDirectory { get; set; }

    /// <summary>One platform of a multi-platform image (<c>linux/arm64</c>): its image is the one linted (read from the index archive), and every finding names it.</summary>
    public string? Platform { get; set; }

    protected override void Execute(IBuildLog log, CancellationToken cancellationToken)
    {
        var context = new LintContext
        {
            Configuration = Configuration,
            InvariantGlobalization = bool.TryParse(InvariantGlobalization, out var invariant) ? invariant : null,
            BaseImage = string.IsNullOrWhiteSpace(WrittenBaseImage) ? BaseImage : WrittenBaseImage,
            BaseImageIsDefault = string.IsNullOrWhiteSpace(WrittenBaseImage),
            OnePlatformOfMany = !string.IsNullOrEmpty(Platform),
            MaxExposedPorts = MaxExposedPorts,
            RequirePinnedBase = RequirePinnedBase,
            WarnOnDevelopmentSettings = WarnOnDevelopmentSettings,
            WarnOnNuGetConfig = WarnOnNuGetConfig,
            WarnOnDebugSymbols = WarnOnDebugSymbols,
            SizeBudget = ByteSize.ParseBudget(SizeBudget),
        };
        var policy = new SeverityPolicy(
            Rules.ToDictionary(rule => rule.ItemSpec, rule => rule.GetMetadata("Severity"), StringComparer.OrdinalIgnoreCase),
            SeverityOverrides.Codes(NoWarn),
            TreatWarningsAsErrors,
            SeverityOverrides.Codes(WarningsNotAsErrors));
        var findings = SeverityOverrides.Apply(ImageLinter.Lint(OciArchive.OpenImage(Archive, Platform), context, CacheDirectory, cancellationToken), policy);
        if (!string.IsNullOrEmpty(Platform))
        {
            // Escaped: a finding stays one line whatever the platform's text.
            var platform = MessageText.Escape(Platform);
            findings = findings.Select(finding => finding with { Message = $"{platform}: {finding.Message}" }).ToList();
        }

        SarifWriter.Write(findings, typeof(LintImage).Assembly.GetName().Version?.ToString() ?? "0", SarifPath);
        File.WriteAllText(FindingsPath, JsonSerializer.Serialize(findings.ToArray(), LintResultJson.Default.FindingArray));
        log.Detail($"Drydock: lint base={context.BaseImage} ({(context.BaseImageIsDefault ? "the SDK's default" : "ContainerBaseImage")}); found {findings.Count} finding(s); SARIF in {SarifPath}");
        foreach (var finding in findings)
        {
            var text = finding.Location is null ? finding.Message : $"{finding.Message} [{finding.Location}]";
            switch (finding.DefaultSeverity)
            {
                case Severity.Error:
                    Log.LogError(null, finding.Code, null, KnownCodes.HelpLink(finding.Code), DiagnosticFile, 0, 0, 0, 0, text);
                    break;
                case Severity.Warning:
                    Log.LogWarning(null, finding.Code, null, KnownCodes.HelpLink(finding.Code), DiagnosticFile, 0, 0, 0, 0, text);
                    break;
                default:
                    // A note is advice: in the SARIF and the report, and in a -v:d log, never on the console (nothing to do).
                    Log.LogMessage(MessageImportance.Low, "Drydock: note {0}: {1}", finding.Code, text);
                    break;
            }
        }
    }
}
