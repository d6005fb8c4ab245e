using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Drydock.Build.Diagnostics;

namespace Drydock.Build.Policy;

/// <summary>
/// Writes findings as SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html):
/// one run of the tool "Drydock", a rule per code that occurs, a result per finding. File findings get
/// an artifact location (the path inside the image); all others a logical location (<c>config.User</c>, <c>env KEY</c>).
/// </summary>
public static partial class SarifWriter
{
    private const string Schema = "https://json.schemastore.org/sarif-2.1.0.json";

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    /// <summary>Writes <paramref name="path"/> only when its content changes, so incremental builds see no new output.</summary>
    public static void Write(IReadOnlyList<Finding> findings, string toolVersion, string path)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(Create(findings, toolVersion), Options);
        if (File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes))
        {
            return;
        }

        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } directory)
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllBytes(path, bytes);
    }

    public static JsonObject Create(IReadOnlyList<Finding> findings, string toolVersion)
    {
        var codes = findings.Select(finding => finding.Code).Distinct().Order(StringComparer.Ordinal).ToList();
        var rules = new JsonArray(codes.Select(code => (JsonNode)new JsonObject
        {
            ["id"] = code,
            ["shortDescription"] = new JsonObject { ["text"] = LintRules.Codes.Contains(code) ? LintRules.Title(code) : code },
            ["helpUri"] = KnownCodes.HelpLink(code),
            ["defaultConfiguration"] = new JsonObject { ["level"] = Level(LintRules.Codes.Contains(code) ? LintRules.DefaultSeverity(code) : Severity.Warning) },
        }).ToArray());
        var results = new JsonArray(findings.Select(finding => (JsonNode)new JsonObject
        {
            ["ruleId"] = finding.Code,
            ["ruleIndex"] = codes.IndexOf(finding.Code),
            ["level"] = Level(finding.DefaultSeverity),
            ["message"] = new JsonObject { ["text"] = finding.Message },
            ["locations"] = new JsonArray(Location(finding.Location ?? "image")),
        }).ToArray());
        return new JsonObject
        {
            ["$schema"] = Schema,
            ["version"] = "2.1.0",
            ["runs"] = new JsonArray(new JsonObject
            {
                ["tool"] = new JsonObject
                {
                    ["driver"] = new JsonObject
                    {
                        ["name"] = "Drydock",
                        ["version"] = toolVersion,
                        ["informationUri"] = "https://github.com/drydock-build/drydock",
                        ["rules"] = rules,
                    },
                },
                ["results"] = results,
            }),
        };
    }

    private static string Level(Severity severity) => severity switch
    {
        Severity.Error => "error",
        Severity.Warning => "warning",
        _ => "note",
    };

    private static JsonObject Location(string location)
    {
        if (FileLocation().Match(location) is { Success: true } file)
        {
            var path = string.Join('/', file.Groups["path"].Value.Split('/').Select(Uri.EscapeDataString));
            return new JsonObject
            {
                ["physicalLocation"] = new JsonObject { ["artifactLocation"] = new JsonObject { ["uri"] = path } },
                ["logicalLocations"] = new JsonArray(new JsonObject { ["fullyQualifiedName"] = location }),
            };
        }

        return new JsonObject
        {
            ["logicalLocations"] = new JsonArray(new JsonObject { ["fullyQualifiedName"] = location }),
        };
    }

    [GeneratedRegex(@"^layer \d+: (?<path>.+)$")]
    private static partial Regex FileLocation();
}
