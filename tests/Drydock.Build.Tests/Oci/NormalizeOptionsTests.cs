using Drydock.Build.Diagnostics;
using Drydock.Build.Oci;

namespace Drydock.Build.Tests.Oci;

public sealed class NormalizeOptionsTests
{
    [Theory]
    [InlineData("2024-05-01T12:00:00Z", 1714564800)]
    [InlineData("2024-05-01T14:00:00+02:00", 1714564800)]
    [InlineData("2024-05-01T12:00:00", 1714564800)]
    public void ParseEpoch_Rfc3339_TheInstant(string created, long seconds) =>
        Assert.Equal(seconds, NormalizeOptions.ParseEpoch(created).ToUnixTimeSeconds());

    [Theory]
    [InlineData("not a time")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("/ae")]
    [InlineData("2024-13-01T00:00:00Z")]
    [InlineData("1969-12-31T23:59:59Z")]
    [InlineData("9999-12-31T23:59:59Z")]
    public void ParseEpoch_NotATime_DRY2011(string? created)
    {
        var e = Assert.Throws<DrydockException>(() => NormalizeOptions.ParseEpoch(created));

        Assert.Equal(KnownCodes.InvalidCreated, e.Code);
        Assert.Contains("DrydockCreated", e.Message, StringComparison.Ordinal);
    }
}
