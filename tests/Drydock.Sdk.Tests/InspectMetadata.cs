using Drydock.Build.Diagnostics;
using Drydock.Sdk.Tests.Support;

namespace Drydock.Sdk.Tests;

/// <summary>Tags and labels as the documented inspection command shows them, for the states users are in.</summary>
public sealed class InspectMetadata : IDisposable
{
    private readonly TestProject _project = TestProject.Create("inspect", sdk: "Microsoft.NET.Sdk");

    [Fact]
    public void Plain_commit_on_main()
    {
        var metadata = Metadata.Of(_project);

        Assert.True(metadata.Succeeded, metadata.Output);
        var head = _project.Git("rev-parse", "HEAD");
        Assert.Equal([$"sha-{head[..7]}", "main"], metadata.Tags);
        Assert.Equal("inspect", metadata.Property("ContainerRepository"));
        Assert.Equal(head, metadata.Label("org.opencontainers.image.revision"));
        Assert.Equal("2026-01-02T03:04:05Z", metadata.Label("org.opencontainers.image.created"));
        Assert.Equal("1.0.0", metadata.Label("org.opencontainers.image.version"));
    }

    [Fact]
    public void Version_tag_on_HEAD_gives_semver_tags_and_version()
    {
        _project.Git("tag", "v1.2.3");

        var metadata = Metadata.Of(_project);

        Assert.True(metadata.Succeeded, metadata.Output);
        Assert.Contains("1.2.3", metadata.Tags);
        Assert.Contains("1.2", metadata.Tags);
        Assert.Contains("1", metadata.Tags);
        Assert.Equal("1.2.3", metadata.Label("org.opencontainers.image.version"));
    }

    [Fact]
    public void SOURCE_DATE_EPOCH_wins_over_the_commit_time()
    {
        _project.Environment["SOURCE_DATE_EPOCH"] = "1700000000";

        var metadata = Metadata.Of(_project);

        Assert.True(metadata.Succeeded, metadata.Output);
        Assert.Equal("2023-11-14T22:13:20Z", metadata.Label("org.opencontainers.image.created"));
    }

    [Fact]
    public void Credentials_in_the_remote_appear_nowhere()
    {
        _project.Git("remote", "add", "origin", "https://builder:s3cr3t-t0ken@git.example.com/shop/api.git");

        var metadata = Metadata.Of(_project, "-v:diag");
        var logged = _project.DotNet("msbuild", "-t:DrydockComputeMetadata", "-p:Configuration=Release", $"-p:DrydockBaseRegistry={Paths.Registry}", "-v:diag");

        Assert.True(metadata.Succeeded, metadata.Output);
        Assert.Equal("https://git.example.com/shop/api", metadata.Label("org.opencontainers.image.source"));
        Assert.True(logged.Succeeded, logged.StandardOutput);
        Assert.Contains("Drydock: ", logged.StandardOutput);
        Assert.DoesNotContain("s3cr3t-t0ken", metadata.Output + logged.StandardOutput + logged.StandardError);
    }

    [Fact]
    public void GitHub_pull_request_names_the_tree_built_and_records_the_pr_commits()
    {
        // The job checked out the merge commit GitHub made (GITHUB_SHA); the PR head is another commit.
        var eventPath = Path.Combine(_project.Root, "event.json");
        var merge = _project.Git("rev-parse", "HEAD");
        var headSha = new string('a', 40);
        File.WriteAllText(eventPath, $$"""{ "pull_request": { "number": 7, "head": { "sha": "{{headSha}}", "ref": "main" }, "base": { "ref": "main" } } }""");
        _project.Environment["GITHUB_ACTIONS"] = "true";
        _project.Environment["GITHUB_EVENT_NAME"] = "pull_request";
        _project.Environment["GITHUB_EVENT_PATH"] = eventPath;
        _project.Environment["GITHUB_SHA"] = merge;
        _project.Environment["GITHUB_REF"] = "refs/pull/7/merge";
        _project.Environment["GITHUB_HEAD_REF"] = "main";
        _project.Environment["GITHUB_BASE_REF"] = "main";
        _project.Environment["GITHUB_SERVER_URL"] = "https://github.com";
        _project.Environment["GITHUB_REPOSITORY"] = "shop/api";
        _project.Environment["GITHUB_RUN_ID"] = "4242";

        var metadata = Metadata.Of(_project);

        Assert.True(metadata.Succeeded, metadata.Output);
        Assert.Equal(merge, metadata.Label("org.opencontainers.image.revision"));
        Assert.Equal(headSha, metadata.Label("io.drydock.ci.pr.head-sha"));
        Assert.Equal(merge, metadata.Label("io.drydock.ci.pr.merge-sha"));
        Assert.Equal("7", metadata.Label("io.drydock.ci.pr"));
        // The run is the provenance's: a label would give each re-run of the commit other bytes.
        Assert.Null(metadata.Label("io.drydock.ci.run-url"));
        Assert.Equal([$"sha-{merge[..7]}", "pr-7"], metadata.Tags);
        Assert.DoesNotContain("DRY1051", metadata.Output);
    }

    [Fact]
    public void Explicit_properties_win()
    {
        var metadata = Metadata.Of(_project, "-p:SourceRevisionId=" + new string('c', 40), "-p:ContainerVersion=2.0.0-beta.1", "-p:ContainerImageTags=one%3Btwo");

        Assert.True(metadata.Succeeded, metadata.Output);
        Assert.Equal(new string('c', 40), metadata.Label("org.opencontainers.image.revision"));
        Assert.Equal("2.0.0-beta.1", metadata.Label("org.opencontainers.image.version"));
        Assert.Equal(["one", "two"], metadata.Tags);
    }

    [Fact]
    public void TreatWarningsAsErrors_makes_a_DRY_warning_an_error_but_WarningsNotAsErrors_and_NoWarn_win()
    {
        // A branch named like a version: DRY1052, a warning of the metadata step (not of the lint,
        // which applies TreatWarningsAsErrors itself).
        _project.Git("checkout", "-q", "-b", "1.2");
        string Run(params string[] properties) => _project.DotNet(
            ["msbuild", "-restore", "-nologo", "-t:DrydockComputeMetadata", "-p:Configuration=Release", $"-p:DrydockBaseRegistry={Paths.Registry}", .. properties]).StandardOutput;

        Assert.Contains($"warning {KnownCodes.BranchTagReserved}:", Run());
        Assert.Contains($"error {KnownCodes.BranchTagReserved}:", Run("-p:TreatWarningsAsErrors=true"));
        var kept = Run("-p:TreatWarningsAsErrors=true", $"-p:WarningsNotAsErrors=CS1591%2C{KnownCodes.BranchTagReserved}");
        Assert.Contains($"warning {KnownCodes.BranchTagReserved}:", kept);
        Assert.DoesNotContain($"error {KnownCodes.BranchTagReserved}:", kept);
        Assert.DoesNotContain(KnownCodes.BranchTagReserved, Run("-p:TreatWarningsAsErrors=true", $"-p:NoWarn={KnownCodes.BranchTagReserved}"));
    }

    [Theory]
    [InlineData("-p:ContainerRepository=Shop Api!", KnownCodes.InvalidRepository)]
    [InlineData("-p:ContainerImageTags=ok%3Bnot a tag", KnownCodes.InvalidTag)]
    [InlineData("-p:ContainerVersion=one.two", KnownCodes.InvalidVersion)]
    public void Bad_input_stops_with_its_code(string property, string code)
    {
        var metadata = Metadata.Of(_project, property);

        Assert.False(metadata.Succeeded);
        Assert.Contains($"error {code}:", metadata.Output);
        Assert.DoesNotContain("   at ", metadata.Output);
    }

    [Fact]
    public void Bad_label_key_stops_with_DRY2003()
    {
        _project.WriteFile("inspect/Directory.Build.targets", """
            <Project>
              <ItemGroup>
                <ContainerLabel Include="team name" Value="payments" />
              </ItemGroup>
            </Project>
            """);

        var metadata = Metadata.Of(_project);

        Assert.False(metadata.Succeeded);
        Assert.Contains($"error {KnownCodes.InvalidLabelKey}:", metadata.Output);
    }

    public void Dispose() => _project.Dispose();
}
