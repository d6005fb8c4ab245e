using System.Net;
using System.Text.Json.Nodes;
using Drydock.Build.Diagnostics;
using Drydock.Sdk.Tests.Support;

namespace Drydock.Sdk.Tests;

/// <summary>
/// No silent untested push: an app with ContainerRegistry and no image tests is pushed with a coded
/// warning and attestations without a test result; DrydockRequireImageTests=true refuses it.
/// </summary>
public sealed class PushUntested : IDisposable
{
    private static readonly string Registry = Environment.GetEnvironmentVariable("DRYDOCK_TEST_REGISTRY") ?? "localhost:5000";
    private readonly string _repository = "drydock-e2e/untested-" + Guid.NewGuid().ToString("n")[..10];
    private readonly TestProject _project;

    public PushUntested()
    {
        _project = TestProject.Create("untested", sdk: "Microsoft.NET.Sdk", properties: $"<ContainerRepository>{_repository}</ContainerRepository>");
        // Another engine may answer on this machine (docker before 25 cannot load OCI archives): podman, explicitly.
        _project.Environment["LocalRegistry"] = "Podman";
    }

    public void Dispose()
    {
        Oci.RemoveRepository($"{Registry}/{_repository}");
        _project.Dispose();
    }

    [Fact]
    public async Task An_untested_push_warns_and_carries_a_provenance_but_no_test_result()
    {
        var publish = _project.Publish($"-p:ContainerRegistry={Registry}");

        Assert.True(publish.Succeeded, publish.StandardOutput);
        Assert.Contains($"warning {KnownCodes.UntestedPush}:", publish.StandardOutput);
        Assert.Contains("ContainerTestProject", publish.StandardOutput);
        var report = _project.Report();
        Assert.False((bool)report["tested"]!);
        var digest = (string)report["push"]!["digest"]!;

        using var http = new HttpClient();
        var index = await Get(http, $"manifests/sha256-{digest["sha256:".Length..]}", "application/vnd.oci.image.index.v1+json");
        // The provenance and the SBOM, unsigned; no test result.
        var entries = index["manifests"]!.AsArray();
        Assert.Equal(["https://cyclonedx.org/bom", "https://slsa.dev/provenance/v1"], entries.Select(e => (string)e!["annotations"]!["in-toto.io/predicate-type"]!).Order(StringComparer.Ordinal));
        var entry = entries.Single(e => (string?)e!["annotations"]!["in-toto.io/predicate-type"] == "https://slsa.dev/provenance/v1")!;
        Assert.Equal("application/vnd.in-toto+json", (string?)entry["artifactType"]);
        var artifact = await Get(http, $"manifests/{entry["digest"]}", "application/vnd.oci.image.manifest.v1+json");
        var statement = await Get(http, $"blobs/{artifact["layers"]![0]!["digest"]}", "*/*");
        Assert.Equal(digest["sha256:".Length..], (string?)statement["subject"]![0]!["digest"]!["sha256"]);
    }

    /// <summary>Under TreatWarningsAsErrors DRY5050 is an error: it says nothing is pushed, and nothing is.</summary>
    [Fact]
    public async Task Under_TreatWarningsAsErrors_an_untested_push_stops_and_says_so()
    {
        var publish = _project.Publish($"-p:ContainerRegistry={Registry}", "-p:TreatWarningsAsErrors=true");

        Assert.False(publish.Succeeded);
        Assert.Contains($"error {KnownCodes.UntestedPush}:", publish.StandardOutput);
        Assert.Contains($"nothing is pushed to {Registry}/{_repository}", publish.StandardOutput);
        Assert.DoesNotContain("untested: the project", publish.StandardOutput);
        await AssertNothingPushed();
    }

    [Fact]
    public async Task DrydockRequireImageTests_refuses_an_untested_push_with_DRY5008()
    {
        var publish = _project.Publish($"-p:ContainerRegistry={Registry}", "-p:DrydockRequireImageTests=true");

        Assert.False(publish.Succeeded);
        Assert.Contains($"error {KnownCodes.TestsRequired}:", publish.StandardOutput);
        Assert.DoesNotContain($"warning {KnownCodes.UntestedPush}", publish.StandardOutput);
        var report = _project.Report();
        Assert.False((bool)report["tested"]!);
        Assert.Null(report["push"]);
        await AssertNothingPushed();
    }

    private async Task<JsonNode> Get(HttpClient http, string path, string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://{Registry}/v2/{_repository}/{path}"));
        request.Headers.Accept.ParseAdd(accept);
        using var response = await http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode}");
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    /// <summary>The registry has no tag of the repository: nothing was pushed.</summary>
    private async Task AssertNothingPushed()
    {
        using var http = new HttpClient();
        using var tags = await http.GetAsync(new Uri($"http://{Registry}/v2/{_repository}/tags/list"));
        Assert.Equal(HttpStatusCode.NotFound, tags.StatusCode);
    }
}
