using Drydock.Build.Diagnostics;
using Drydock.Sdk.Tests.Support;

namespace Drydock.Sdk.Tests;

/// <summary>A project outside any git repository: an error that says what to set, or the facts from properties.</summary>
public sealed class NoRepository : IDisposable
{
    private readonly TestProject _project = TestProject.Create("norepo", git: false);

    [Fact]
    public void Publish_without_git_or_override_fails_with_DRY1001_and_builds_nothing()
    {
        _project.Environment["GIT_CEILING_DIRECTORIES"] = Path.GetDirectoryName(_project.Root);

        var publish = _project.Publish();

        Assert.False(publish.Succeeded);
        Assert.Contains($"error {KnownCodes.NoRepository}:", publish.StandardOutput);
        Assert.Contains("SourceRevisionId", publish.StandardOutput);
        Assert.False(File.Exists(_project.ArchivePath));
    }

    [Fact]
    public void Publish_without_git_uses_SourceRevisionId_and_SOURCE_DATE_EPOCH()
    {
        _project.Environment["GIT_CEILING_DIRECTORIES"] = Path.GetDirectoryName(_project.Root);
        _project.Environment["SOURCE_DATE_EPOCH"] = "1767225600";
        var revision = "0123456789abcdef0123456789abcdef01234567";

        var publish = _project.Publish($"-p:SourceRevisionId={revision}", "-p:DrydockLoadImage=false");

        Assert.True(publish.Succeeded, publish.StandardOutput);
        var labels = Oci.Config(_project.ArchivePath)["config"]!["Labels"]!;
        Assert.Equal(revision, (string?)labels["org.opencontainers.image.revision"]);
        Assert.Equal("2026-01-01T00:00:00Z", (string?)labels["org.opencontainers.image.created"]);
        Assert.Null(labels["io.drydock.git.branch"]);
    }

    public void Dispose() => _project.Dispose();
}
