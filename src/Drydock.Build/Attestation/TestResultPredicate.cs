using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml;
using System.Xml.Linq;
using Drydock.Build.Oci;
using Drydock.Build.Testing;

namespace Drydock.Build.Attestation;

/// <summary>
/// The in-toto test-result predicate v0.1 (https://github.com/in-toto/attestation/blob/main/spec/predicates/test-result.md)
/// of one test project's run on one platform: <c>result</c> <c>PASSED</c> or <c>FAILED</c>; <c>passedTests</c> and
/// <c>failedTests</c> by fully qualified name (class + test name, from the run's TRX); <c>warnedTests</c> empty
/// (VSTest has no passed-with-warning outcome; skipped tests are in no list); <c>configuration</c> = each test
/// assembly by SHA-256, the test profile (its <c>DRYDOCK_TEST_*</c> values as JSON content) and the platform
/// with whether it ran emulated; <c>url</c> = the CI run.
/// </summary>
public static class TestResultPredicate
{
    public const string Type = "https://in-toto.io/attestation/test-result/v0.1";

    private static readonly XNamespace Ns = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";

    /// <param name="run">The run as the test step recorded it; its TRX gives the names when it is still there.</param>
    /// <param name="profile"><c>DRYDOCK_TEST_*</c> variables and their values (empty values are left out).</param>
    /// <param name="platform"><c>os/arch[/variant]</c> the image ran as.</param>
    /// <param name="emulated">The platform ran under emulation (QEMU user mode), not natively.</param>
    /// <param name="runUrl">The CI run's URL, or null outside CI.</param>
    public static JsonObject Create(TestRunResult run, IReadOnlyDictionary<string, string> profile, string platform, bool emulated, string? runUrl)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(profile);
        var (passed, failed, assemblies) = ReadTrx(run.Trx);
        if (failed.Count == 0 && run.Failures.Count > 0)
        {
            failed = [.. run.Failures.Select(f => f.Name)];
        }

        var configuration = new JsonArray();
        foreach (var assembly in assemblies)
        {
            configuration.Add(new JsonObject
            {
                ["name"] = Path.GetFileName(assembly),
                ["digest"] = Sha256(File.ReadAllBytes(assembly)),
                ["mediaType"] = "application/vnd.microsoft.portable-executable",
            });
        }

        var profileJson = OciJson.Serialize(new JsonObject(profile
            .Where(pair => pair.Value.Length > 0)
            .OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(pair => KeyValuePair.Create(pair.Key, (JsonNode?)pair.Value))));
        configuration.Add(new JsonObject
        {
            ["name"] = "profile",
            ["digest"] = Sha256(profileJson),
            ["content"] = Convert.ToBase64String(profileJson),
            ["mediaType"] = "application/json",
        });
        var platformBytes = Encoding.UTF8.GetBytes(platform);
        configuration.Add(new JsonObject
        {
            ["name"] = "platform",
            ["digest"] = Sha256(platformBytes),
            ["content"] = Convert.ToBase64String(platformBytes),
            ["annotations"] = new JsonObject { ["platform"] = platform, ["emulated"] = emulated },
        });

        var predicate = new JsonObject
        {
            ["result"] = run.Failed > 0 || failed.Count > 0 ? "FAILED" : "PASSED",
            ["configuration"] = configuration,
        };
        if (!string.IsNullOrEmpty(runUrl))
        {
            predicate["url"] = runUrl;
        }

        predicate["passedTests"] = new JsonArray([.. passed.Select(name => (JsonNode)name)]);
        predicate["warnedTests"] = new JsonArray();
        predicate["failedTests"] = new JsonArray([.. failed.Select(name => (JsonNode)name)]);
        return predicate;
    }

    /// <summary>Fully qualified names of the passed and failed tests, sorted, and the test assemblies that still exist.</summary>
    private static (IReadOnlyList<string> Passed, IReadOnlyList<string> Failed, IReadOnlyList<string> Assemblies) ReadTrx(string? trx)
    {
        if (trx is null || !File.Exists(trx))
        {
            return ([], [], []);
        }

        XDocument document;
        try
        {
            document = XDocument.Load(trx);
        }
        catch (XmlException)
        {
            return ([], [], []);
        }

        var definitions = document.Descendants(Ns + "UnitTest")
            .Where(test => (string?)test.Attribute("id") is not null)
            .GroupBy(test => (string)test.Attribute("id")!)
            .ToDictionary(group => group.Key, group => group.First());
        var passed = new SortedSet<string>(StringComparer.Ordinal);
        var failed = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var result in document.Descendants(Ns + "UnitTestResult"))
        {
            var name = (string?)result.Attribute("testName") ?? "(unnamed test)";
            if ((string?)result.Attribute("testId") is { } id && definitions.TryGetValue(id, out var definition)
                && (string?)definition.Element(Ns + "TestMethod")?.Attribute("className") is { Length: > 0 } className
                && !name.StartsWith(className + ".", StringComparison.Ordinal))
            {
                name = className + "." + name;
            }

            switch ((string?)result.Attribute("outcome"))
            {
                case "Passed":
                    passed.Add(name);
                    break;
                case "Failed" or "Error" or "Timeout" or "Aborted":
                    failed.Add(name);
                    break;
            }
        }

        var assemblies = definitions.Values
            // codeBase keeps the path's case; storage is lowercased.
            .Select(test => (string?)test.Element(Ns + "TestMethod")?.Attribute("codeBase"))
            .OfType<string>()
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Where(File.Exists)
            .Order(StringComparer.Ordinal)
            .ToList();
        return ([.. passed], [.. failed], assemblies);
    }

    private static JsonObject Sha256(ReadOnlySpan<byte> bytes) => new() { ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(bytes)) };
}
