using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Drydock.Sdk.Tests.Support;

namespace Drydock.Sdk.Tests;

/// <summary>
/// `dotnet publish` with ContainerRegistry pushes the archive it tested to the loopback registry
/// (eng/setup.sh), and what the registry serves is byte for byte what was tested.
/// </summary>
public sealed class Push : IDisposable
{
    private static readonly string Registry = Environment.GetEnvironmentVariable("DRYDOCK_TEST_REGISTRY") ?? "localhost:5000";
    private readonly string _repository = "drydock-e2e/push-" + Guid.NewGuid().ToString("n")[..10];
    private TestProject? _project;

    public void Dispose()
    {
        Oci.RemoveRepository($"{Registry}/{_repository}");
        _project?.Dispose();
    }

    [Fact]
    public async Task The_tested_image_is_pushed_with_every_tag_and_its_test_results()
    {
        _project = TestProject.Create("pushed", program: TestApps.Web, properties: $"<ContainerRepository>{_repository}</ContainerRepository><ContainerVersion>1.2.0</ContainerVersion>");
        _project.AddImageTests("""
                [Fact]
                public async Task Answers()
                {
                    await using var app = await image.StartAsync();
                    Assert.Equal("Hello from a Drydock test!", await app.Http.GetStringAsync("/"));
                }
            """);

        var publish = _project.Publish($"-p:ContainerRegistry={Registry}");

        Assert.True(publish.Succeeded, publish.StandardOutput);
        var report = _project.Report();
        var tested = (string)report["image"]!["digest"]!;
        var push = report["push"]!;
        Assert.True((bool)push["verified"]!);
        Assert.Equal(tested, (string?)push["digest"]);
        Assert.Equal(Registry, (string?)push["registry"]);
        Assert.Equal(_repository, (string?)push["repository"]);
        var tags = push["tags"]!.AsArray().Select(tag => (string)tag!).ToList();
        Assert.Equal(["1.2.0", "1.2", "1", $"sha-{_project.Git("rev-parse", "--short=7", "HEAD")}", "main", "latest"], tags);
        foreach (var tag in tags)
        {
            Assert.Equal(tested, RegistryDigest($"{_repository}:{tag}"));
        }

        // The attestations (unsigned: no key), as referrers found through the referrers tag schema.
        var index = JsonNode.Parse(Skopeo($"{_repository}:sha256-{tested["sha256:".Length..]}"))!;
        var types = index["manifests"]!.AsArray().Select(m => (string)m!["annotations"]!["in-toto.io/predicate-type"]!).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["https://in-toto.io/attestation/test-result/v0.1", "https://slsa.dev/provenance/v1"], types);
        var entry = index["manifests"]!.AsArray().Single(m => (string?)m!["annotations"]!["in-toto.io/predicate-type"] == "https://in-toto.io/attestation/test-result/v0.1")!;
        Assert.Equal("application/vnd.in-toto+json", (string?)entry["artifactType"]);
        var artifact = JsonNode.Parse(Skopeo($"{_repository}@{entry["digest"]}"))!;
        Assert.Equal(tested, (string?)artifact["subject"]!["digest"]);
        using var http = new HttpClient();
        var statement = JsonNode.Parse(await http.GetStringAsync(new Uri($"http://{Registry}/v2/{_repository}/blobs/{artifact["layers"]![0]!["digest"]}")))!;
        Assert.Equal(tested["sha256:".Length..], (string?)statement["subject"]![0]!["digest"]!["sha256"]);
        Assert.Equal("PASSED", (string?)statement["predicate"]!["result"]);
        Assert.Equal(["ImageTests.Answers"], statement["predicate"]!["passedTests"]!.AsArray().Select(t => (string)t!));
        Assert.Contains(report["attestations"]!.AsArray(), a => (bool)a!["signed"]! == false && (string?)a["referrer"] == (string?)entry["digest"]);
    }

    [Fact]
    public void The_pushed_image_runs_after_a_pull_by_digest_and_a_repush_uploads_no_blob()
    {
        _project = TestProject.Create("pulled", sdk: "Microsoft.NET.Sdk", properties: $"<ContainerRepository>{_repository}</ContainerRepository>");

        var publish = _project.Publish($"-p:ContainerRegistry={Registry}");

        Assert.True(publish.Succeeded, publish.StandardOutput);
        var digest = (string)_project.Report()["push"]!["digest"]!;
        Oci.RemoveRepository($"{Registry}/{_repository}");
        var run = Oci.Podman("run", "--rm", "--tls-verify=false", $"{Registry}/{_repository}@{digest}");
        Assert.True(run.Succeeded, run.StandardError);
        Assert.Equal("Hello from a Drydock test!", run.StandardOutput.Trim());

        var again = _project.Publish($"-p:ContainerRegistry={Registry}");

        Assert.True(again.Succeeded, again.StandardOutput);
        var push = _project.Report()["push"]!;
        Assert.Equal(digest, (string?)push["digest"]);
        Assert.Equal(0, (int)push["blobsUploaded"]!);
        Assert.Equal(0, (long)push["bytesUploaded"]!);
    }

    [Fact]
    public void Latest_and_the_major_tag_stay_on_the_highest_version_when_an_older_one_is_published_later()
    {
        _project = TestProject.Create("versions", sdk: "Microsoft.NET.Sdk", properties: $"<ContainerRepository>{_repository}</ContainerRepository>");
        _project.Git("tag", "v1.2.0");
        var newer = _project.Publish($"-p:ContainerRegistry={Registry}");
        Assert.True(newer.Succeeded, newer.StandardOutput);
        var newerDigest = (string)_project.Report()["push"]!["digest"]!;
        Assert.Contains("latest", _project.Report()["push"]!["tags"]!.AsArray().Select(tag => (string?)tag));

        // A patch of the older line, released afterwards.
        _project.WriteFile("versions/Program.cs", """Console.WriteLine("1.1.5");""");
        _project.Commit("Fix on the 1.1 line");
        _project.Git("tag", "v1.1.5");
        var older = _project.Publish($"-p:ContainerRegistry={Registry}");

        Assert.True(older.Succeeded, older.StandardOutput);
        var push = _project.Report()["push"]!;
        var olderDigest = (string)push["digest"]!;
        Assert.Equal(["1.1.5", "1.1", $"sha-{_project.Git("rev-parse", "--short=7", "HEAD")}", "main"], push["tags"]!.AsArray().Select(tag => (string)tag!));
        Assert.NotEqual(newerDigest, olderDigest);
        Assert.Equal(newerDigest, RegistryDigest($"{_repository}:latest"));
        Assert.Equal(newerDigest, RegistryDigest($"{_repository}:1"));
        Assert.Equal(newerDigest, RegistryDigest($"{_repository}:1.2.0"));
        Assert.Equal(olderDigest, RegistryDigest($"{_repository}:1.1"));
    }

    [Fact]
    public async Task DrydockPush_false_keeps_the_image_local()
    {
        _project = TestProject.Create("local", sdk: "Microsoft.NET.Sdk", properties: $"<ContainerRepository>{_repository}</ContainerRepository>");

        var publish = _project.Publish($"-p:ContainerRegistry={Registry}", "-p:DrydockPush=false");

        Assert.True(publish.Succeeded, publish.StandardOutput);
        Assert.Null(_project.Report()["push"]);
        using var http = new HttpClient();
        using var tags = await http.GetAsync(new Uri($"http://{Registry}/v2/{_repository}/tags/list"));
        Assert.Equal(HttpStatusCode.NotFound, tags.StatusCode);
    }

    [Fact]
    public async Task Every_DrydockPushRegistry_gets_the_image_verified_by_digest()
    {
        // Two proxies in front of the loopback registry are two registries to the client.
        await using var other = Drydock.Tests.Registry.RegistryProxy.Start(new Uri($"http://{Registry}/"));
        _project = TestProject.Create(
            "mirrored",
            sdk: "Microsoft.NET.Sdk",
            properties: $"<ContainerRepository>{_repository}</ContainerRepository>",
            items: $"""<DrydockPushRegistry Include="{other.Host}" Repository="{_repository}-copy" />""");

        var publish = _project.Publish($"-p:ContainerRegistry={Registry}");

        Assert.True(publish.Succeeded, publish.StandardOutput);
        var push = _project.Report()["push"]!;
        var tested = (string)_project.Report()["image"]!["digest"]!;
        var copy = Assert.Single(push["otherRegistries"]!.AsArray())!;
        Assert.Equal((other.Host, $"{_repository}-copy", tested, true), ((string?)copy["registry"], (string?)copy["repository"], (string?)copy["digest"], (bool?)copy["verified"]));
        Assert.Equal(tested, RegistryDigest($"{_repository}-copy:{(string)copy["tags"]![0]!}"));
        Assert.Equal(tested, RegistryDigest($"{_repository}:{(string)push["tags"]![0]!}"));
        Oci.RemoveRepository($"{Registry}/{_repository}-copy");
    }

    private static string Skopeo(string reference) =>
        Oci.Checked("skopeo", ["inspect", "--raw", "--tls-verify=false", $"docker://{Registry}/{reference}"]).StandardOutput;

    /// <summary>`skopeo inspect --raw | sha256sum`: the registry's bytes, hashed without Drydock.</summary>
    private static string RegistryDigest(string reference) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Skopeo(reference))));
}
