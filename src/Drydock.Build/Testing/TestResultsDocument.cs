using System.Text.Json;
using System.Text.Json.Nodes;

namespace Drydock.Build.Testing;

/// <summary>
/// The JSON blob of the test-results referrer pushed with the image
/// (<c>application/vnd.drydock.test-results.v1+json</c>): whether the image was tested, the digest
/// tested, the profile, the counts, the commit. Nothing that changes between runs of the same tests
/// (durations, cache hits), so a re-push attaches the same artifact.
/// </summary>
public static class TestResultsDocument
{
    /// <param name="digest">The manifest digest tested (or pushed untested).</param>
    /// <param name="tested">False: pushed without image tests; the counts are 0 and no profile is recorded.</param>
    /// <param name="profile"><c>DRYDOCK_TEST_*</c> variables and their values.</param>
    public static byte[] Create(string digest, string? revision, bool tested, IReadOnlyList<TestRunResult> results, IReadOnlyDictionary<string, string> profile)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(profile);
        var document = new JsonObject
        {
            ["schemaVersion"] = 1,
            ["digest"] = digest,
            ["revision"] = revision,
            ["tested"] = tested,
            ["passed"] = results.Sum(r => r.Passed),
            ["failed"] = results.Sum(r => r.Failed),
            ["skipped"] = results.Sum(r => r.Skipped),
            ["profile"] = new JsonObject(tested
                ? profile.Where(pair => pair.Value.Length > 0).Select(pair => KeyValuePair.Create(ProfileKey(pair.Key), (JsonNode?)pair.Value))
                : []),
            ["projects"] = new JsonArray([.. results.Select(Project)]),
        };
        return JsonSerializer.SerializeToUtf8Bytes(document);
    }

    /// <summary>One project's counts; for a multi-platform image, one per project and platform tested.</summary>
    private static JsonNode Project(TestRunResult result)
    {
        var project = new JsonObject { ["project"] = result.Project };
        if (result.Platform is { } platform)
        {
            project["platform"] = platform;
        }

        project["passed"] = result.Passed;
        project["failed"] = result.Failed;
        project["skipped"] = result.Skipped;
        return project;
    }

    /// <summary><c>DRYDOCK_TEST_MEMORY</c> → <c>memory</c>.</summary>
    private static string ProfileKey(string variable) =>
        (variable.StartsWith("DRYDOCK_TEST_", StringComparison.Ordinal) ? variable["DRYDOCK_TEST_".Length..] : variable).ToLowerInvariant();
}
