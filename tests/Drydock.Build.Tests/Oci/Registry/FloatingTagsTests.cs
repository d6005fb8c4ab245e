using Drydock.Build.Oci.Registry;
using NuGet.Versioning;

namespace Drydock.Build.Tests.Oci.Registry;

public sealed class FloatingTagsTests
{
    private static readonly string[] Planned = ["1.2.0", "1.2", "1", "sha-abc1234"];

    [Theory]
    [InlineData("", "1.2.0 1.2 1 sha-abc1234 latest", "")]
    [InlineData("1.1.5 1.1 1 sha-0000000 main", "1.2.0 1.2 1 sha-abc1234 latest", "")]
    [InlineData("1.2.0 1.2 1 latest", "1.2.0 1.2 1 sha-abc1234 latest", "")]
    [InlineData("1.2.1", "1.2.0 sha-abc1234", "1.2 1 latest")]
    [InlineData("1.3.0", "1.2.0 1.2 sha-abc1234", "1 latest")]
    [InlineData("2.0.0", "1.2.0 1.2 1 sha-abc1234", "latest")]
    [InlineData("1.10.0", "1.2.0 1.2 sha-abc1234", "1 latest")]
    [InlineData("1.3.0-rc.1 2.0.0-beta 20261125 v9.0.0 2", "1.2.0 1.2 1 sha-abc1234 latest", "")]
    public void FloatingTagsMoveOnlyToTheHighestStableVersionOfTheirLine(string existing, string pushed, string heldBack)
    {
        var (push, held) = FloatingTags.Resolve(NuGetVersion.Parse("1.2.0"), Planned, existing.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal(pushed.Split(' '), push);
        Assert.Equal(heldBack.Split(' ', StringSplitOptions.RemoveEmptyEntries), held);
    }

    [Fact]
    public void APrereleaseOrNoVersionMovesNothing()
    {
        Assert.Equal(["1.3.0-rc.1"], FloatingTags.Resolve(NuGetVersion.Parse("1.3.0-rc.1"), ["1.3.0-rc.1"], []).Push);
        Assert.Equal(["main"], FloatingTags.Resolve(null, ["main"], []).Push);
    }

    [Fact]
    public void ALatestTheUserListedIsPushedAsListed()
    {
        var (push, held) = FloatingTags.Resolve(NuGetVersion.Parse("1.0.0"), ["1.0.0", "latest"], ["2.0.0"]);

        Assert.Equal(["1.0.0", "latest"], push);
        Assert.Empty(held);
    }
}
