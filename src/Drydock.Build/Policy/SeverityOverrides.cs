using Drydock.Build.Diagnostics;

namespace Drydock.Build.Policy;

/// <summary>
/// Per-rule severities from <c>DrydockLintRule</c> items (<c>Include="DRY4005" Severity="error"</c>):
/// <c>error</c>, <c>warning</c>, <c>note</c>, or <c>none</c> to turn a rule off.
/// </summary>
public static class SeverityOverrides
{
    public static IReadOnlyList<Finding> Apply(IReadOnlyList<Finding> findings, IReadOnlyDictionary<string, string> overrides)
    {
        var result = new List<Finding>();
        foreach (var finding in findings)
        {
            if (!overrides.TryGetValue(finding.Code, out var text))
            {
                result.Add(finding);
                continue;
            }

            var severity = Parse(finding.Code, text);
            if (severity is not null)
            {
                result.Add(finding with { DefaultSeverity = severity.Value });
            }
        }

        return result;
    }

    private static Severity? Parse(string code, string text) => text.Trim().ToLowerInvariant() switch
    {
        "error" => Severity.Error,
        "warning" => Severity.Warning,
        "note" => Severity.Note,
        "none" => null,
        _ => throw new DrydockException(KnownCodes.InvalidLintSeverity,
            $"DrydockLintRule '{code}' has Severity '{text}'; use error, warning, note or none."),
    };
}
