using Drydock.Build.Diagnostics;

namespace Drydock.Build.Policy;

/// <summary>The project's say over the findings' severities.</summary>
/// <param name="Rules">Per rule, from <c>DrydockLintRule</c> items (<c>Include="DRY4005" Severity="error"</c>):
/// <c>error</c>, <c>warning</c>, <c>note</c>, or <c>none</c> to turn a rule off.</param>
/// <param name="NoWarn">Codes from <c>NoWarn</c>: their warnings are not reported.</param>
/// <param name="TreatWarningsAsErrors"><c>TreatWarningsAsErrors</c>, which MSBuild itself applies to the
/// compiler's warnings only: Drydock applies it to its findings, except <c>WarningsNotAsErrors</c>.</param>
/// <param name="WarningsNotAsErrors">Codes kept as warnings under <c>TreatWarningsAsErrors</c>.</param>
public sealed record SeverityPolicy(
    IReadOnlyDictionary<string, string> Rules,
    IReadOnlySet<string> NoWarn,
    bool TreatWarningsAsErrors,
    IReadOnlySet<string> WarningsNotAsErrors);

public static class SeverityOverrides
{
    public static IReadOnlyList<Finding> Apply(IReadOnlyList<Finding> findings, SeverityPolicy policy)
    {
        var result = new List<Finding>();
        foreach (var finding in findings)
        {
            var severity = policy.Rules.TryGetValue(finding.Code, out var text) ? Parse(finding.Code, text) : finding.DefaultSeverity;
            if (severity == Severity.Warning && policy.NoWarn.Contains(finding.Code))
            {
                continue;
            }

            if (severity == Severity.Warning && policy.TreatWarningsAsErrors && !policy.WarningsNotAsErrors.Contains(finding.Code))
            {
                severity = Severity.Error;
            }

            if (severity is not null)
            {
                result.Add(finding with { DefaultSeverity = severity.Value });
            }
        }

        return result;
    }

    /// <summary>An MSBuild list of codes (<c>CS1591;DRY4005, DRY4012</c>) as a set.</summary>
    public static IReadOnlySet<string> Codes(string? list) =>
        (list ?? "").Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);

    private static Severity? Parse(string code, string text) => text.Trim().ToLowerInvariant() switch
    {
        "error" => Severity.Error,
        "warning" => Severity.Warning,
        "note" => Severity.Note,
        "none" => null,
        _ => throw new DrydockException(KnownCodes.InvalidLintSeverity,
            $"DrydockLintRule {MessageText.Quote(code)} has Severity {MessageText.Quote(text)}; use error, warning, note or none."),
    };
}
