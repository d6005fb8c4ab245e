using Drydock.Build.Diagnostics;
using Drydock.Build.Tagging;
using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Tagging;

public class VersionResolverTests
{
    private readonly ListBuildLog log = new();

    [Fact]
    public void Resolve_ExplicitVersion_BeatsTagAndDefault()
    {
        var version = VersionResolver.Resolve("2.0", ["v1.2.3"], "1.0.0", log)!;

        Assert.Equal(("2.0.0", "ContainerVersion", true), (version.Text, version.Source, version.IsRelease));
    }

    [Fact]
    public void Resolve_SemverTagOnHead_BeatsDefaultVersion()
    {
        var version = VersionResolver.Resolve(null, ["v1.2.3"], "1.0.0", log)!;

        Assert.Equal(("1.2.3", "tag v1.2.3", true), (version.Text, version.Source, version.IsStableRelease));
    }

    [Fact]
    public void Resolve_SeveralTags_HighestVersionNonVersionTagsIgnored()
    {
        var version = VersionResolver.Resolve(null, ["deployed", "v1.10.0", "1.9.0", "v2.0.0-rc.1", "v2", "release-3.0.0"], null, log)!;

        Assert.Equal("2.0.0-rc.1", version.Text);
        Assert.False(version.IsStableRelease);
    }

    [Fact]
    public void Resolve_NoTag_DefaultVersionNotARelease()
    {
        var version = VersionResolver.Resolve("  ", ["deployed"], "1.4.0", log)!;

        Assert.Equal(("1.4.0", "Version", false), (version.Text, version.Source, version.IsStableRelease));
    }

    [Fact]
    public void Resolve_Nothing_Null()
    {
        Assert.Null(VersionResolver.Resolve(null, [], null, log));
    }

    [Fact]
    public void Resolve_BuildMetadata_Kept()
    {
        Assert.Equal("1.2.3+build.5", VersionResolver.Resolve(null, ["v1.2.3+build.5"], null, log)!.Text);
    }

    [Fact]
    public void Resolve_UnparsableExplicit_DRY1009NamesPropertyAndValue()
    {
        var e = Assert.Throws<DrydockException>(() => VersionResolver.Resolve("one.two", [], "1.0.0", log));

        Assert.Equal(KnownCodes.InvalidVersion, e.Code);
        Assert.StartsWith("ContainerVersion 'one.two' is not a version.", e.Message, StringComparison.Ordinal);
    }
}
