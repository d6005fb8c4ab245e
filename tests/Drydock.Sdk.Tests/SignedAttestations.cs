using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Drydock.Build.Diagnostics;
using Drydock.Sdk.Tests.Support;
using Drydock.Tests.Verifiers;

namespace Drydock.Sdk.Tests;

/// <summary>
/// A publish with a signing key (DRYDOCK_SIGNING_KEY, as a CI secret gives it) to the loopback registry: every attestation
/// is a Sigstore bundle that sigstore-js and securesystemslib verify, found as a referrer with skopeo; a failing test
/// pushes nothing and leaves a signed FAILED statement; bad or missing keys stop the publish before any push.
/// </summary>
public sealed class SignedAttestations : IDisposable
{
    private const string TestResultType = "https://in-toto.io/attestation/test-result/v0.1";
    private static readonly string Registry = Environment.GetEnvironmentVariable("DRYDOCK_TEST_REGISTRY") ?? "localhost:5000";
    private readonly string _repository = "drydock-e2e/signed-" + Guid.NewGuid().ToString("n")[..10];
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly string _publicKey = Path.Combine(Path.GetTempPath(), $"drydock-pub-{Guid.NewGuid():n}.pem");
    private TestProject? _project;

    public SignedAttestations() => File.WriteAllText(_publicKey, _key.ExportSubjectPublicKeyInfoPem());

    public void Dispose()
    {
        Oci.RemoveRepository($"{Registry}/{_repository}");
        _project?.Dispose();
        File.Delete(_publicKey);
        _key.Dispose();
    }

    [Fact]
    public async Task A_signed_publish_attaches_bundles_that_third_party_verifiers_accept()
    {
        _project = Create("signed", "Assert.Equal(\"Hello from a Drydock test!\", await app.Http.GetStringAsync(\"/\"));");
        _project.Environment["DRYDOCK_SIGNING_KEY"] = _key.ExportPkcs8PrivateKeyPem();

        var publish = _project.Publish($"-p:ContainerRegistry={Registry}");

        Assert.True(publish.Succeeded, publish.StandardOutput);
        Assert.DoesNotContain("PRIVATE KEY", publish.StandardOutput, StringComparison.Ordinal);
        var report = _project.Report();
        var tested = (string)report["push"]!["digest"]!;
        // Found through the registry (skopeo reads the referrers tag; distribution 2.8 has no referrers API).
        var index = JsonNode.Parse(Oci.Checked("skopeo", ["inspect", "--tls-verify=false", "--raw", $"docker://{Registry}/{_repository}:sha256-{tested["sha256:".Length..]}"]).StandardOutput)!;
        var entries = index["manifests"]!.AsArray();
        // The test result, the provenance and the SBOM (docs/sbom.md), each a bundle.
        Assert.Equal(3, entries.Count);
        using var http = new HttpClient();
        var statements = new List<JsonNode>();
        foreach (var entry in entries)
        {
            Assert.Equal("application/vnd.dev.sigstore.bundle.v0.3+json", (string?)entry!["artifactType"]);
            Assert.Equal("dsse-envelope", (string?)entry["annotations"]!["dev.sigstore.bundle.content"]);
            var artifact = JsonNode.Parse(Oci.Checked("skopeo", ["inspect", "--tls-verify=false", "--raw", $"docker://{Registry}/{_repository}@{entry["digest"]}"]).StandardOutput)!;
            Assert.Equal(tested, (string?)artifact["subject"]!["digest"]);
            var layer = artifact["layers"]!.AsArray().Single()!;
            Assert.Equal("application/vnd.dev.sigstore.bundle.v0.3+json", (string?)layer["mediaType"]);
            var bundle = Path.Combine(_project.Root, $"pulled-{statements.Count}.sigstore.json");
            await File.WriteAllBytesAsync(bundle, await http.GetByteArrayAsync(new Uri($"http://{Registry}/v2/{_repository}/blobs/{layer["digest"]}")));

            var statement = JsonNode.Parse(ThirdPartyVerifiers.SigstoreJs(bundle, _publicKey))!;
            ThirdPartyVerifiers.SecureSystemsLib(bundle, _publicKey);

            Assert.Equal(tested["sha256:".Length..], (string?)statement["subject"]![0]!["digest"]!["sha256"]);
            Assert.Equal((string?)entry["annotations"]!["dev.sigstore.bundle.predicateType"], (string?)statement["predicateType"]);
            statements.Add(statement);
        }

        var result = statements.Single(s => (string?)s["predicateType"] == TestResultType)["predicate"]!;
        Assert.Equal("PASSED", (string?)result["result"]);
        Assert.Equal(["ImageTests.Answers"], result["passedTests"]!.AsArray().Select(t => (string)t!));
        Assert.Contains(result["configuration"]!.AsArray(), c => (string?)c!["name"] == "signed.ImageTests.dll" && c["digest"]!["sha256"] is not null);
        var provenance = statements.Single(s => (string?)s["predicateType"] == "https://slsa.dev/provenance/v1")["predicate"]!;
        Assert.Equal(_project.Git("rev-parse", "HEAD"), (string?)provenance["buildDefinition"]!["resolvedDependencies"]![0]!["digest"]!["gitCommit"]);
        // The base as the project names it; the mirror it was pulled from is an input of its own.
        var baseImage = provenance["buildDefinition"]!["resolvedDependencies"]!.AsArray().Single(d => (string?)d!["name"] == "base-image")!;
        Assert.StartsWith("oci://mcr.microsoft.com/dotnet/", (string?)baseImage["uri"], StringComparison.Ordinal);
        Assert.Equal(Paths.Registry, (string?)provenance["buildDefinition"]!["externalParameters"]!["properties"]!["DrydockBaseRegistry"]);
        Assert.Null(provenance["buildDefinition"]!["externalParameters"]!["properties"]!["DrydockVersion"]);
        Assert.Contains(statements, s => (string?)s["predicateType"] == "https://cyclonedx.org/bom");
        Assert.All(report["attestations"]!.AsArray(), a => Assert.True((bool)a!["signed"]!));

        // The deploy gate, as documented: passes with the key and the repository; refuses another repository.
        var verify = _project.DotNet("msbuild", "-t:DrydockVerifyImage", $"-p:DrydockVerifyImage={Registry}/{_repository}@{tested}", $"-p:DrydockVerifyKey={_publicKey}");
        Assert.True(verify.Succeeded, verify.StandardOutput);
        Assert.Contains("3 signed attestation(s)", verify.StandardOutput, StringComparison.Ordinal);
        var fork = _project.DotNet("msbuild", "-t:DrydockVerifyImage", $"-p:DrydockVerifyImage={Registry}/{_repository}@{tested}", $"-p:DrydockVerifyKey={_publicKey}", "-p:DrydockVerifyRepository=https://example.com/fork");
        Assert.False(fork.Succeeded);
        Assert.Contains($"error {KnownCodes.VerifyProvenanceMismatch}:", fork.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failing_test_pushes_nothing_and_leaves_a_signed_FAILED_statement()
    {
        _project = Create("failing", "Assert.Equal(\"something else\", await app.Http.GetStringAsync(\"/\"));");
        _project.Environment["DRYDOCK_SIGNING_KEY"] = _key.ExportPkcs8PrivateKeyPem();

        var publish = _project.Publish($"-p:ContainerRegistry={Registry}");

        Assert.False(publish.Succeeded);
        Assert.Contains($"error {KnownCodes.TestsFailed}:", publish.StandardOutput);
        Assert.Null(Tags());
        var record = _project.Report()["attestations"]!.AsArray().Single(a => (string?)a!["predicateType"] == TestResultType)!;
        var statement = JsonNode.Parse(ThirdPartyVerifiers.SigstoreJs((string)record["bundle"]!, _publicKey))!;
        Assert.Equal("FAILED", (string?)statement["predicate"]!["result"]);
        Assert.Equal(["ImageTests.Answers"], statement["predicate"]!["failedTests"]!.AsArray().Select(t => (string)t!));
    }

    [Fact]
    public void A_malformed_key_or_a_required_missing_one_stops_the_publish_before_the_image_is_built()
    {
        _project = TestProject.Create("badkey", sdk: "Microsoft.NET.Sdk", properties: $"<ContainerRepository>{_repository}</ContainerRepository>");
        _project.Environment["DRYDOCK_SIGNING_KEY"] = "-----BEGIN EC PRIVATE KEY-----\nbm90IGEga2V5\n-----END EC PRIVATE KEY-----\n";

        var malformed = _project.Publish($"-p:ContainerRegistry={Registry}");

        Assert.False(malformed.Succeeded);
        Assert.Contains($"error {KnownCodes.SigningKeyMalformed}:", malformed.StandardOutput);
        Assert.DoesNotContain("bm90IGEga2V5", malformed.StandardOutput, StringComparison.Ordinal);
        Assert.False(File.Exists(_project.ArchivePath), "the image was built although its signing key is unusable");
        Assert.Null(Tags());

        _project.Environment["DRYDOCK_SIGNING_KEY"] = null;
        var missing = _project.Publish($"-p:ContainerRegistry={Registry}", "-p:DrydockRequireSigning=true");

        Assert.False(missing.Succeeded);
        Assert.Contains($"error {KnownCodes.SigningKeyRequired}:", missing.StandardOutput);
        Assert.False(File.Exists(_project.ArchivePath), "the image was built although signing is required and no key is given");
        Assert.Null(Tags());
    }

    /// <summary>The repository's tags in the registry; null when it has none (nothing was pushed).</summary>
    private string? Tags()
    {
        using var http = new HttpClient();
        using var response = http.GetAsync(new Uri($"http://{Registry}/v2/{_repository}/tags/list")).GetAwaiter().GetResult();
        return response.IsSuccessStatusCode ? response.Content.ReadAsStringAsync().GetAwaiter().GetResult() : null;
    }

    private TestProject Create(string name, string assertion)
    {
        var project = TestProject.Create(name, program: TestApps.Web, properties: $"<ContainerRepository>{_repository}</ContainerRepository>");
        project.AddImageTests($$"""
                [Fact]
                public async Task Answers()
                {
                    await using var app = await image.StartAsync();
                    {{assertion}}
                }
            """);
        return project;
    }
}
