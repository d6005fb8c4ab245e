using Drydock.Build.Diagnostics;
using Drydock.Build.Metadata;
using Drydock.Build.Tests.Support;
using static Drydock.Build.Tests.Metadata.Facts;

namespace Drydock.Build.Tests.Metadata;

public class PrecedenceTests
{
    private readonly ListBuildLog log = new();

    [Fact]
    public void Resolve_RepositoryOnly_RepositoryValues()
    {
        var metadata = MetadataResolver.Resolve(new MetadataInputs { DefaultVersion = "1.0.0" }, Repository(), ci: null, log);

        Assert.Equal((RepoSha, "a1b2c3d", "main", false), (metadata.Revision, metadata.ShortRevision, metadata.Branch, metadata.Dirty));
        Assert.Equal("https://github.com/octo-org/shop", metadata.Labels[LabelKeys.Source]);
        Assert.Contains($"Drydock: revision={RepoSha} (from git HEAD)", log.Details);
    }

    [Fact]
    public void Resolve_CiAndRepository_HeadIsTheRevisionCiTheRest()
    {
        var metadata = MetadataResolver.Resolve(new MetadataInputs { DefaultVersion = "1.0.0" }, Repository(tags: ["v1.0.0"]), CiRun(tag: "v1.1.0"), log);

        // A tag build: the tag's version, HEAD as the revision, no branch.
        Assert.Equal((RepoSha, null), (metadata.Revision, metadata.Branch));
        Assert.Equal("https://github.com/octo-org/shop-ci", metadata.Labels[LabelKeys.Source]);
        Assert.Equal("1.1.0", metadata.Version);
        Assert.Contains($"Drydock: revision={RepoSha} (from git HEAD)", log.Details);
        Assert.Equal(["1.1.0", "1.1", "1", "sha-a1b2c3d"], metadata.Tags);
        var warning = Assert.Single(log.Warnings);
        Assert.Equal(KnownCodes.CiRevisionMismatch, warning.Code);
        Assert.Contains($"'{CiSha}'", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_ExplicitCiAndRepository_ExplicitWins()
    {
        var inputs = new MetadataInputs
        {
            Revision = "e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0",
            Branch = "release/7",
            Version = "7.0.1",
            DefaultVersion = "1.0.0",
            SourceUrl = "https://example.com/shop/explicit",
        };

        var metadata = MetadataResolver.Resolve(inputs, Repository(tags: ["v1.0.0"]), CiRun(tag: "v1.1.0"), log);

        Assert.Equal(("e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0", "release/7", "7.0.1"), (metadata.Revision, metadata.Branch, metadata.Version));
        Assert.Equal("https://example.com/shop/explicit", metadata.Labels[LabelKeys.Source]);
        Assert.Equal(["7.0.1", "7.0", "7", "sha-e0e0e0e", "release-7"], metadata.Tags);
    }

    [Fact]
    public void Resolve_SemverTagOnHead_BeatsVersionProperty()
    {
        var metadata = MetadataResolver.Resolve(new MetadataInputs { DefaultVersion = "1.0.0" }, Repository(branch: null, tags: ["v2.4.0", "deployed"]), ci: null, log);

        Assert.Equal("2.4.0", metadata.Version);
        Assert.True(metadata.IsStableRelease);
        Assert.Equal(["2.4.0", "2.4", "2", "sha-a1b2c3d"], metadata.Tags);
    }

    [Fact]
    public void Resolve_PrereleaseTag_OnlyFullVersionNotStable()
    {
        var metadata = MetadataResolver.Resolve(new MetadataInputs { DefaultVersion = "1.0.0" }, Repository(branch: null, tags: ["v1.3.0-rc.1"]), ci: null, log);

        Assert.False(metadata.IsStableRelease);
        Assert.Equal(["1.3.0-rc.1", "sha-a1b2c3d"], metadata.Tags);
    }

    [Fact]
    public void Resolve_VersionPropertyOnly_NotARelease()
    {
        var metadata = MetadataResolver.Resolve(new MetadataInputs { DefaultVersion = "1.0.0" }, Repository(), ci: null, log);

        Assert.Equal("1.0.0", metadata.Version);
        Assert.False(metadata.IsStableRelease);
        Assert.Equal(["sha-a1b2c3d", "main"], metadata.Tags);
    }

    [Fact]
    public void Resolve_CiPullRequest_PrTagAndLabel()
    {
        var ci = CiRun(branch: null, pullRequest: "42") with { PullRequestHeadRef = "feature/JIRA-12_Ü x", PullRequestHeadSha = RepoSha };
        var metadata = MetadataResolver.Resolve(new MetadataInputs(), Repository(branch: null), ci, log);

        Assert.Equal(["sha-a1b2c3d", "pr-42"], metadata.Tags);
        Assert.Equal("42", metadata.Labels[LabelKeys.CiPullRequest]);
        Assert.Equal("feature/JIRA-12_Ü x", metadata.Labels[LabelKeys.CiPullRequestHeadRef]);
        Assert.False(metadata.Labels.ContainsKey(LabelKeys.GitBranch));
        Assert.Empty(log.Warnings);
    }

    [Fact]
    public void Resolve_ExplicitTags_ReplaceComputedTags()
    {
        var metadata = MetadataResolver.Resolve(new MetadataInputs { ExplicitTags = "stable;2024.10" }, Repository(tags: ["v3.0.0"]), ci: null, log);

        Assert.Equal(["stable", "2024.10"], metadata.Tags);
        Assert.Equal("stable", metadata.Annotations[LabelKeys.RefName]);
    }
}
