using Drydock.Build.Oci.Registry;
using NuGet.Versioning;

namespace Drydock.Build.Tests.Oci.Registry;

public sealed class LatestTagTests
{
    [Theory]
    [InlineData("1.2.0", "", true)]
    [InlineData("1.2.0", "1.1.5;1.1;1;sha-abc1234;main", true)]
    [InlineData("1.1.5", "1.2.0;1.2;1", false)]
    [InlineData("1.2.0", "1.2.0", true)]
    [InlineData("1.2.0", "1.3.0-rc.1", true)]
    [InlineData("1.2.0", "20261125;2;v9.0.0", true)]
    [InlineData("1.2.0", "1.10.0", false)]
    [InlineData("1.3.0-rc.1", "", false)]
    public void MovesOnlyForTheHighestStableVersion(string version, string existing, bool moves) =>
        Assert.Equal(moves, LatestTag.ShouldMove(NuGetVersion.Parse(version), existing.Split(';', StringSplitOptions.RemoveEmptyEntries)));

    [Fact]
    public void NoVersionNeverMovesIt() => Assert.False(LatestTag.ShouldMove(null, []));
}
