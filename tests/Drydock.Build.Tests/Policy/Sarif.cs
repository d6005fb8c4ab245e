using System.Text.Json.Nodes;
using Drydock.Build.Diagnostics;
using Drydock.Build.Policy;
using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Policy;

public sealed class Sarif
{
    private static readonly Finding[] Findings =
    [
        new(KnownCodes.RunsAsRoot, Severity.Error, "The image runs as root.", "config.User"),
        new(KnownCodes.DevelopmentFile, Severity.Warning, "appsettings.Development.json.", "layer 2: app/appsettings.Development.json"),
        new(KnownCodes.SensitiveFile, Severity.Error, "key.", "layer 2: app/my key.pem"),
        new(KnownCodes.RunsAsRoot, Severity.Note, "Again, as a note.", null),
    ];

    [Fact]
    public void Write_HasTheRequiredSarif210Shape()
    {
        using var temp = new TempDirectory();

        SarifWriter.Write(Findings, "1.2.3", temp.File("out/lint.sarif"));

        var sarif = JsonNode.Parse(File.ReadAllText(temp.File("out/lint.sarif")))!.AsObject();
        Assert.Equal("https://json.schemastore.org/sarif-2.1.0.json", (string?)sarif["$schema"]);
        Assert.Equal("2.1.0", (string?)sarif["version"]);
        var run = Assert.Single(sarif["runs"]!.AsArray())!.AsObject();
        var driver = run["tool"]!["driver"]!.AsObject();
        Assert.Equal("Drydock", (string?)driver["name"]);
        Assert.Equal("1.2.3", (string?)driver["version"]);
        var rules = driver["rules"]!.AsArray();
        Assert.Equal(["DRY4001", "DRY4004", "DRY4005"], rules.Select(r => (string?)r!["id"]));
        Assert.All(rules, rule =>
        {
            Assert.False(string.IsNullOrEmpty((string?)rule!["shortDescription"]!["text"]));
            Assert.Equal(KnownCodes.HelpLink((string)rule["id"]!), (string?)rule["helpUri"]);
        });

        var results = run["results"]!.AsArray();
        Assert.Equal(4, results.Count);
        Assert.Equal(["error", "warning", "error", "note"], results.Select(r => (string?)r!["level"]));
        Assert.All(results, result =>
        {
            Assert.Equal((string?)result!["ruleId"], (string?)rules[(int)result["ruleIndex"]!]!["id"]);
            Assert.False(string.IsNullOrEmpty((string?)result["message"]!["text"]));
            var location = Assert.Single(result["locations"]!.AsArray())!;
            Assert.NotNull(location["logicalLocations"]![0]!["fullyQualifiedName"]);
        });
        Assert.Equal("config.User", (string?)results[0]!["locations"]![0]!["logicalLocations"]![0]!["fullyQualifiedName"]);
        Assert.Equal("app/my%20key.pem", (string?)results[2]!["locations"]![0]!["physicalLocation"]!["artifactLocation"]!["uri"]);
    }

    [Fact]
    public void Write_SameFindings_LeavesTheFileAlone()
    {
        using var temp = new TempDirectory();
        var path = temp.File("lint.sarif");
        SarifWriter.Write(Findings, "1.2.3", path);
        var written = DateTime.UtcNow.AddHours(-1);
        File.SetLastWriteTimeUtc(path, written);

        SarifWriter.Write(Findings, "1.2.3", path);

        Assert.Equal(written, File.GetLastWriteTimeUtc(path));
    }
}
