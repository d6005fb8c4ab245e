using System.Text.Json.Nodes;
using Drydock.Build.Policy;
using Drydock.Build.Reporting;
using Drydock.Build.Testing;
using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Reporting;

public sealed class ReportWriterTests
{
    private static readonly ImageReport Report = new()
    {
        Image = new ImageSection
        {
            Repository = "shop/api",
            Digest = "sha256:" + new string('a', 64),
            ConfigDigest = "sha256:" + new string('b', 64),
            Tags = ["1.2.3", "sha-abcdef1"],
            Size = 3 * 1024 * 1024,
            Archive = "/src/obj/drydock/image.tar",
            BaseName = "mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled",
            Labels = new Dictionary<string, string> { ["org.opencontainers.image.source"] = "https://example.com/shop/api" },
            Annotations = new Dictionary<string, string>(),
        },
        Source = new SourceSection { Revision = "abcdef1234", Version = "1.2.3", Created = "2026-01-02T03:04:05Z" },
        Runtime = "podman",
    };

    [Fact]
    public void ToJson_Report_CamelCaseWithoutNullsAndReadableUrls()
    {
        var json = ReportWriter.ToJson(Report);
        var node = JsonNode.Parse(json)!;

        Assert.Equal("shop/api", (string?)node["image"]!["repository"]);
        Assert.Equal(3145728, (long)node["image"]!["size"]!);
        Assert.False(node["image"]!.AsObject().ContainsKey("registry"));
        Assert.False((bool)node["tested"]!);
        Assert.Contains("\"https://example.com/shop/api\"", json);
    }

    [Fact]
    public void ToJson_CancelledRunWithFiles_SaysCancelledAndLinksEachProjectsFiles()
    {
        var report = Report with
        {
            Cancelled = true,
            Tests =
            [
                new TestRunResult
                {
                    Project = "Shop.ImageTests",
                    Passed = 1,
                    Failed = 0,
                    Skipped = 0,
                    DurationSeconds = 2,
                    Trx = "/bin/drydock-tests/Shop.ImageTests.trx",
                    Files = ["/bin/drydock-tests/Shop.ImageTests/api-1.log"],
                },
            ],
        };

        var node = JsonNode.Parse(ReportWriter.ToJson(report))!;

        Assert.True((bool)node["cancelled"]!);
        Assert.Equal("/bin/drydock-tests/Shop.ImageTests/api-1.log", (string?)node["tests"]![0]!["files"]![0]);
        Assert.Contains("| tested | no: cancelled while the tests ran |", ReportWriter.ToMarkdown(report));
    }

    [Fact]
    public void WriteJson_SameReportTwice_WritesOnce()
    {
        using var temp = new TempDirectory();
        var path = temp.File("bin/drydock.json");

        Assert.True(ReportWriter.WriteJson(Report, path));
        Assert.False(ReportWriter.WriteJson(Report, path));
        Assert.True(ReportWriter.WriteJson(Report with { Runtime = null }, path));
        Assert.Null(JsonNode.Parse(File.ReadAllText(path))!["runtime"]);
    }

    [Fact]
    public void ToMarkdown_PushToSeveralRegistries_SaysPerTargetWhatWasSetOrWhyNot()
    {
        var digest = "sha256:" + new string('a', 64);
        var report = Report with
        {
            Push = new Drydock.Build.Oci.Registry.PushResult
            {
                Registry = "ghcr.io", Repository = "shop/api", Digest = digest, Tags = [], Verified = true,
                OtherRegistries =
                [
                    new() { Registry = "quay.io", Repository = "shop/api", Digest = digest, Tags = [], Verified = false, Error = "DRY6002: quay.io denied POST upload (403)." },
                ],
            },
        };

        var markdown = ReportWriter.ToMarkdown(report);

        Assert.Contains($"| pushed | `ghcr.io/shop/api@{digest}`, verified, no tag<br>no: the push to `quay.io/shop/api` failed (DRY6002) |", markdown);
    }

    [Fact]
    public void ToMarkdown_MovedTags_SaysWhatEachNamedBefore()
    {
        var (digest, before) = ("sha256:" + new string('a', 64), "sha256:" + new string('b', 64));
        var report = Report with
        {
            Push = new Drydock.Build.Oci.Registry.PushResult
            {
                Registry = "ghcr.io", Repository = "shop/api", Digest = digest, Tags = ["sha-abc1234", "main"], Verified = true,
                TagsMoved = new Dictionary<string, string> { ["sha-abc1234"] = before },
            },
        };

        var markdown = ReportWriter.ToMarkdown(report);

        Assert.Contains($"verified, tags `sha-abc1234`, `main`; moved here from other bytes: `sha-abc1234` (was `{before}`) |", markdown);
    }

    [Fact]
    public void ToMarkdown_RefusedAttestation_IsNamedWithItsCode()
    {
        var digest = "sha256:" + new string('a', 64);
        var report = Report with
        {
            Push = new Drydock.Build.Oci.Registry.PushResult
            {
                Registry = "ghcr.io", Repository = "shop/api", Digest = digest, Tags = ["main"], Verified = true,
                Referrers = [new("provenance", digest, "sha256:" + new string('c', 64), null), new("test-result", digest, null, "DRY6020: 403 denied")],
            },
        };

        var markdown = ReportWriter.ToMarkdown(report);

        Assert.Contains("verified, tags `main`; attestations not attached (DRY6020): `test-result` |", markdown);
        Assert.Contains("2 attestation(s) attached", ReportWriter.ToMarkdown(report with { Push = report.Push with { Referrers = [report.Push.Referrers[0], report.Push.Referrers[0]] } }));
    }

    [Fact]
    public void ToMarkdown_Report_TableWithDigestTagsAndSize()
    {
        var markdown = ReportWriter.ToMarkdown(Report);

        Assert.StartsWith("### Drydock: `shop/api`\n", markdown);
        Assert.Contains($"| digest | `sha256:{new string('a', 64)}` |", markdown);
        Assert.Contains("| tags | `1.2.3`, `sha-abcdef1` |", markdown);
        Assert.Contains("| size | 3.0 MiB |", markdown);
        Assert.Contains("| tested | no |", markdown);
    }

    [Fact]
    public void ToJsonAndMarkdown_PlatformsAndPerPlatformResults_SayWhatWasTestedAndHow()
    {
        var report = Report with
        {
            Tested = true,
            Image = Report.Image with
            {
                Platforms =
                [
                    new PlatformSection { Platform = "linux/amd64", Digest = "sha256:1", ConfigDigest = "sha256:2", Size = 1, Archive = "a", Loaded = true, Tested = true },
                    new PlatformSection { Platform = "linux/arm64", Digest = "sha256:3", ConfigDigest = "sha256:4", Size = 1, Archive = "b", Loaded = true, Emulated = true, Tested = true },
                    new PlatformSection { Platform = "linux/s390x", Digest = "sha256:5", ConfigDigest = "sha256:6", Size = 1, Archive = "c", Untested = "cannot run here: no handler" },
                ],
            },
            Tests = [new Drydock.Build.Testing.TestRunResult { Project = "Shop.ImageTests", Platform = "linux/arm64", Passed = 1, Failed = 0, Skipped = 0, DurationSeconds = 2 }],
        };

        var json = JsonNode.Parse(ReportWriter.ToJson(report))!;
        var markdown = ReportWriter.ToMarkdown(report);

        Assert.True((bool)json["image"]!["platforms"]![1]!["emulated"]!);
        Assert.Equal("cannot run here: no handler", (string?)json["image"]!["platforms"]![2]!["untested"]);
        Assert.Null(json["image"]!["platforms"]![0]!["untested"]);
        Assert.Equal("linux/arm64", (string?)json["tests"]![0]!["platform"]);
        Assert.Contains("- `linux/arm64` `sha256:3`: tested under emulation", markdown);
        Assert.Contains("- `linux/s390x` `sha256:5`: not tested: `cannot run here: no handler`", markdown);
        Assert.Contains("| `Shop.ImageTests` (`linux/arm64`) | 1 | 0 | 0 | 2.0 |", markdown);
    }

    [Fact]
    public void ToMarkdown_TheLintsAdvice_IsACodeSpan_SoAnMSBuildSnippetIsNotTakenForHtml()
    {
        var report = Report with
        {
            Findings =
            [
                new Finding("DRY4005", Severity.Note, "The app layer holds 'app/appsettings.Development.json'; e.g. <Content Update=\"appsettings.Development.json\" CopyToPublishDirectory=\"Never\" />.", "layer 2: app/appsettings.Development.json"),
                new Finding("DRY4004", Severity.Error, "A `backtick` and a ``double`` in 'app/x|y.pfx'", null),
            ],
        };

        var markdown = ReportWriter.ToMarkdown(report);

        Assert.Contains("- note **DRY4005**: `The app layer holds 'app/appsettings.Development.json'; e.g. <Content Update=\"appsettings.Development.json\" CopyToPublishDirectory=\"Never\" />.`\n", markdown);
        Assert.Contains("- error **DRY4004**: ```A `backtick` and a ``double`` in 'app/x|y.pfx'```\n", markdown);
    }

    [Theory]
    [InlineData("plain", "`plain`")]
    [InlineData("`starts", "`` `starts ``")]
    [InlineData("a ` b", "``a ` b``")]
    [InlineData("two\nlines", "`two lines`")]
    [InlineData("", "")]
    public void Code_AnyText_IsOneCodeSpanShowingIt(string text, string span)
    {
        Assert.Equal(span, ReportWriter.Code(text));
    }

    [Fact]
    public void ToMarkdown_UserTextInTheTable_HasItsPipesEscaped()
    {
        var markdown = ReportWriter.ToMarkdown(Report with { Source = Report.Source with { Version = "1.0.0+a|b" } });

        Assert.Contains("| version | `1.0.0+a\\|b` |", markdown);
    }
}
