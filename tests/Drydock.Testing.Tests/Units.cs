using Drydock.Values;

namespace Drydock.Testing.Tests;

/// <summary>The one duration and size syntax, shared with Drydock.Build (src/Shared/Values.cs).</summary>
public sealed class Units
{
    [Theory]
    [InlineData("0", 0)]
    [InlineData("250ms", 250)]
    [InlineData("1.5s", 1500)]
    [InlineData(" 30s ", 30_000)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    public void Durations_Parse_Accepts(string text, long milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), Durations.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("30")]
    [InlineData("-5s")]
    [InlineData("1d")]
    [InlineData("s")]
    [InlineData("1,5s")]
    [InlineData("99999999999999h")]
    public void Durations_Parse_RejectsMalformed(string text) => Assert.Null(Durations.Parse(text));

    [Theory]
    [InlineData("1048576", 1L << 20)]
    [InlineData("256m", 256L << 20)]
    [InlineData("256M", 256L << 20)]
    [InlineData("1g", 1L << 30)]
    [InlineData("512k", 512L << 10)]
    [InlineData("180MiB", 180L << 20)]
    [InlineData("200MB", 200_000_000)]
    [InlineData("1.5 GB", 1_500_000_000)]
    [InlineData("10b", 10)]
    public void Sizes_Parse_Accepts(string text, long bytes) => Assert.Equal(bytes, Sizes.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("m")]
    [InlineData("-1m")]
    [InlineData("lots")]
    [InlineData("256 megs")]
    [InlineData("99999999999g")]
    public void Sizes_Parse_RejectsMalformed(string text) => Assert.Null(Sizes.Parse(text));
}
