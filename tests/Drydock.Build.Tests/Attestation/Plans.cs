using System.Text.Json.Nodes;
using Drydock.Build.Attestation;
using Drydock.Build.Ci;
using Drydock.Build.Diagnostics;
using Drydock.Build.Oci;
using Drydock.Build.Testing;
using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Attestation;

/// <summary>Which statements an image gets, what the test result and provenance say, and the DRY2035 checks of contributed predicates.</summary>
public sealed class Plans : IDisposable
{
    private static readonly Digest Index = Digest.Of("index"u8);
    private static readonly Digest Amd64 = Digest.Of("amd64"u8);
    private static readonly Digest Arm64 = Digest.Of("arm64"u8);
    private static readonly JsonObject Provenance = new() { ["buildDefinition"] = new JsonObject() };
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void AMultiPlatformImage_EachPlatformGetsItsOwnRuns_TheIndexGetsEvery()
    {
        var runs = new[] { Run("linux/amd64"), Run("linux/arm64") };

        var requests = Plan([new(Amd64, "linux/amd64"), new(Arm64, "linux/arm64", Emulated: true)], runs, []);

        Assert.Equal(3, requests.Count(r => r.PredicateType == ProvenancePredicate.Type));
        Assert.Equal(["linux/amd64", "linux/arm64"], TestPlatforms(requests, Index));
        Assert.Equal(["linux/amd64"], TestPlatforms(requests, Amd64));
        Assert.Equal(["linux/arm64"], TestPlatforms(requests, Arm64));
        var arm = requests.Single(r => r.Subject == Arm64 && r.PredicateType == TestResultPredicate.Type).Predicate;
        Assert.True((bool)arm["configuration"]!.AsArray().Single(c => (string?)c!["name"] == "platform")!["annotations"]!["emulated"]!);
    }

    [Fact]
    public void APredicateWithoutSubject_GoesToEveryManifest_OneWithASubjectOnlyToIt()
    {
        var file = _temp.Write("bom.json", "{\"bomFormat\":\"CycloneDX\"}");

        var requests = Plan([new(Amd64, "linux/amd64")], [], [new(file, "https://cyclonedx.org/bom", null), new(file, "https://spdx.dev/Document", Amd64)]);

        Assert.Equal([Index, Amd64], requests.Where(r => r.PredicateType == "https://cyclonedx.org/bom").Select(r => r.Subject));
        Assert.Equal([Amd64], requests.Where(r => r.PredicateType == "https://spdx.dev/Document").Select(r => r.Subject));
    }

    [Theory]
    [InlineData("missing.json", "https://cyclonedx.org/bom", false)]
    [InlineData("bom.json", "", false)]
    [InlineData("bom.json", "cyclonedx", false)]
    [InlineData("bom.json", "https://cyclonedx.org/bom", true)]
    [InlineData("array.json", "https://cyclonedx.org/bom", false)]
    public void AnUnusablePredicate_IsDry2035(string name, string type, bool foreignSubject)
    {
        _temp.Write("bom.json", "{}");
        _temp.Write("array.json", "[1]");

        var error = Assert.Throws<DrydockException>(() => Plan([], [], [new(_temp.File(name), type, foreignSubject ? Digest.Of("other"u8) : null)]));

        Assert.Equal(KnownCodes.InvalidAttestationPredicate, error.Code);
    }

    [Fact]
    public void TheTestResult_NamesTestsFullyFromTheTrx_AndFailsOnAFailure()
    {
        var trx = Path.Combine(AppContext.BaseDirectory, "Testing", "Fixtures", "one-failed-one-skipped.trx");
        var run = Run("linux/amd64") with { Failed = 1, Trx = trx };

        var predicate = TestResultPredicate.Create(run, new Dictionary<string, string> { ["DRYDOCK_TEST_MEMORY"] = "256m", ["DRYDOCK_TEST_PORT"] = "" }, "linux/amd64", emulated: false, "https://ci.example/run/1");

        Assert.Equal("FAILED", (string?)predicate["result"]);
        Assert.Equal(["Sample.ImageTests.HealthTests.Health_answers"], predicate["passedTests"]!.AsArray().Select(t => (string)t!));
        Assert.Equal(["Sample.ImageTests.HealthTests.Memory_within_budget"], predicate["failedTests"]!.AsArray().Select(t => (string)t!));
        Assert.Equal("https://ci.example/run/1", (string?)predicate["url"]);
        var profile = predicate["configuration"]!.AsArray().Single(c => (string?)c!["name"] == "profile")!;
        Assert.Equal("{\"DRYDOCK_TEST_MEMORY\":\"256m\"}", System.Text.Encoding.UTF8.GetString(Convert.FromBase64String((string)profile["content"]!)));
    }

    [Fact]
    public void TheProvenance_TakesBuilderAndInvocationFromTheCi_AndTheCommitAsGitCommit()
    {
        var ci = new CiFacts(CiProvider.GitHubActions, "42", "https://github.com/shop/api/actions/runs/42", null, null, "main", null, "https://github.com/shop/api");
        var facts = new ProvenanceFacts
        {
            Project = "src/Api/Api.csproj",
            Configuration = "Release",
            RepositoryUrl = "https://github.com/shop/api",
            Revision = new string('b', 40),
            BaseImage = "mcr.microsoft.com/dotnet/aspnet:10.0",
            BaseDigest = "sha256:" + new string('c', 64),
            DrydockVersion = "1.2.3",
            Ci = ci,
            LocalInvocationId = "unused",
            StartedOn = new DateTimeOffset(2026, 12, 4, 10, 0, 0, TimeSpan.Zero),
            FinishedOn = new DateTimeOffset(2026, 12, 4, 10, 1, 0, TimeSpan.Zero),
        };

        var provenance = ProvenancePredicate.Create(facts);

        Assert.Equal("https://github.com/actions/runner", (string?)provenance["runDetails"]!["builder"]!["id"]);
        Assert.Equal("https://github.com/shop/api/actions/runs/42", (string?)provenance["runDetails"]!["metadata"]!["invocationId"]);
        Assert.Equal("2026-12-04T10:00:00Z", (string?)provenance["runDetails"]!["metadata"]!["startedOn"]);
        var dependencies = provenance["buildDefinition"]!["resolvedDependencies"]!.AsArray();
        Assert.Equal(new string('b', 40), (string?)dependencies[0]!["digest"]!["gitCommit"]);
        Assert.Equal(new string('c', 64), (string?)dependencies.Single(d => (string?)d!["name"] == "base-image")!["digest"]!["sha256"]);
        Assert.Equal(ProvenancePredicate.LocalBuilder, ProvenancePredicate.Builder(facts with { Ci = null }).BuilderId);
    }

    private static IReadOnlyList<AttestationRequest> Plan(IReadOnlyList<AttestationSubject> platforms, IReadOnlyList<TestRunResult> runs, IReadOnlyList<ExtraPredicate> extra) =>
        AttestationPlan.Create("localhost:5000/shop/api", Index, "linux/amd64", platforms, runs, new Dictionary<string, string>(), Provenance, null, extra);

    private static TestRunResult Run(string platform) => new() { Project = "Shop.ImageTests", Platform = platform, Passed = 1, Failed = 0, Skipped = 0, DurationSeconds = 1 };

    private static string[] TestPlatforms(IReadOnlyList<AttestationRequest> requests, Digest subject) =>
        [.. requests.Where(r => r.Subject == subject && r.PredicateType == TestResultPredicate.Type)
            .Select(r => (string)r.Predicate["configuration"]!.AsArray().Single(c => (string?)c!["name"] == "platform")!["annotations"]!["platform"]!)
            .Order(StringComparer.Ordinal)];
}
