using Drydock.Build.Diagnostics;
using Drydock.Build.Testing;

namespace Drydock.Build.Tests.Testing;

public sealed class RunTimeoutTests
{
    [Theory]
    [InlineData("30", 1800)]
    [InlineData("30m", 1800)]
    [InlineData("90s", 90)]
    [InlineData(" 5s ", 5)]
    [InlineData("1h", 3600)]
    [InlineData("1.5m", 90)]
    public void Parse_MinutesOrDuration_Seconds(string value, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), RunTimeout.Parse(value));

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("soon")]
    [InlineData("5 parsecs")]
    public void Parse_Invalid_DRY2006(string value)
    {
        var error = Assert.Throws<DrydockException>(() => RunTimeout.Parse(value));

        Assert.Equal(KnownCodes.InvalidTestRunTimeout, error.Code);
        Assert.Contains("DrydockTestRunTimeout", error.Message);
    }
}
