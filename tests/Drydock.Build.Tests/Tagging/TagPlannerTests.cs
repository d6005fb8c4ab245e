using Drydock.Build.Diagnostics;
using Drydock.Build.Tagging;
using Drydock.Build.Tests.Support;
using NuGet.Versioning;

namespace Drydock.Build.Tests.Tagging;

public class TagPlannerTests
{
    private const string Sha = "4f2a9c1e7b3d5a6f8e9d0c1b2a3f4e5d6c7b8a90";
    private readonly ListBuildLog log = new();

    private static ResolvedVersion Release(string version) => new(NuGetVersion.Parse(version), "tag v" + version, IsRelease: true);

    [Fact]
    public void Compute_StableReleaseTag_FullMinorMajorThenSha()
    {
        var tags = TagPlanner.Compute(Release("1.2.3"), Sha, branch: null, pullRequest: null, dirty: false, log);

        Assert.Equal(["1.2.3", "1.2", "1", "sha-4f2a9c1"], tags);
    }

    [Fact]
    public void Compute_Prerelease_OnlyFullVersion()
    {
        var tags = TagPlanner.Compute(Release("1.3.0-rc.1"), Sha, branch: null, pullRequest: null, dirty: false, log);

        Assert.Equal(["1.3.0-rc.1", "sha-4f2a9c1"], tags);
    }

    [Fact]
    public void Compute_BuildMetadata_PlusBecomesUnderscore()
    {
        var tags = TagPlanner.Compute(Release("1.2.3+build.5"), Sha, branch: null, pullRequest: null, dirty: false, log);

        Assert.Equal(["1.2.3_build.5", "1.2", "1", "sha-4f2a9c1"], tags);
    }

    [Fact]
    public void Compute_DefaultVersionOnBranch_NoVersionTags()
    {
        var version = new ResolvedVersion(NuGetVersion.Parse("1.0.0"), "Version", IsRelease: false);

        var tags = TagPlanner.Compute(version, Sha, "main", pullRequest: null, dirty: false, log);

        Assert.Equal(["sha-4f2a9c1", "main"], tags);
    }

    [Fact]
    public void Compute_PullRequestFromBranch_ShaPrAndSanitizedBranch()
    {
        var tags = TagPlanner.Compute(null, Sha, "feature/JIRA-12_Ü x", "42", dirty: false, log);

        Assert.Equal(["sha-4f2a9c1", "pr-42", "feature-JIRA-12_--x"], tags);
        Assert.Contains(log.Details, d => d.Contains("'feature/JIRA-12_Ü x' is tagged as 'feature-JIRA-12_--x'", StringComparison.Ordinal));
    }

    [Fact]
    public void Compute_300CharacterBranch_TruncatedWithHash()
    {
        var tags = TagPlanner.Compute(null, Sha, "topic/" + new string('z', 294), pullRequest: null, dirty: false, log);

        Assert.Equal(128, tags[1].Length);
        Assert.Matches("^topic-z+-[0-9a-f]{8}$", tags[1]);
    }

    [Fact]
    public void Compute_BranchNamedLikeAVersionTag_PrefixedAndWarned()
    {
        var tags = TagPlanner.Compute(Release("1.2.3"), Sha, "1.2", pullRequest: null, dirty: false, log);

        Assert.Equal(["1.2.3", "1.2", "1", "sha-4f2a9c1", "branch-1.2"], tags);
        Assert.Equal(KnownCodes.BranchTagReserved, Assert.Single(log.Warnings).Code);
    }

    [Fact]
    public void Compute_NoRevision_VersionIsTheOnlyTag()
    {
        var version = new ResolvedVersion(NuGetVersion.Parse("1.0.0"), "Version", IsRelease: false);

        Assert.Equal(["1.0.0"], TagPlanner.Compute(version, revision: null, branch: null, pullRequest: null, dirty: false, log));
    }

    [Fact]
    public void Explicit_ListWithBlanksAndRepeats_UserOrderOnce()
    {
        Assert.Equal(["stable", "2024.10", "edge"], TagPlanner.Explicit(" stable ;2024.10;;edge;stable;", "ignored"));
    }

    [Fact]
    public void Explicit_SingleTagWhenListUnset_Used()
    {
        Assert.Equal(["nightly"], TagPlanner.Explicit("", "nightly"));
    }

    [Fact]
    public void Explicit_Neither_Empty()
    {
        Assert.Empty(TagPlanner.Explicit(null, "  "));
    }

    [Fact]
    public void Explicit_InvalidTag_DRY2002NamesTagAndSuggestion()
    {
        var e = Assert.Throws<DrydockException>(() => TagPlanner.Explicit("ok;feature/x", null));

        Assert.Equal(KnownCodes.InvalidTag, e.Code);
        Assert.StartsWith("ContainerImageTags contains 'feature/x'", e.Message, StringComparison.Ordinal);
        Assert.Contains("Use 'feature-x'.", e.Message, StringComparison.Ordinal);
    }
}
