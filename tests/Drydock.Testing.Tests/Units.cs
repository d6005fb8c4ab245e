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

/// <summary>What a failure keeps of a long log: the head, where the cause usually is, and the tail.</summary>
public sealed class LogExcerpts
{
    [Fact]
    public void Of_ShortLog_KeptWhole()
    {
        var log = string.Concat(Enumerable.Range(1, 60).Select(line => $"line {line}\n"));

        Assert.Equal(log, LogExcerpt.Of(log));
    }

    [Fact]
    public void Of_LongLog_FirstTwentyMarkerLastForty()
    {
        var log = string.Concat(Enumerable.Range(1, 100).Select(line => $"line {line}\n"));

        var lines = LogExcerpt.Of(log).TrimEnd('\n').Split('\n');

        Assert.Equal(61, lines.Length);
        Assert.Equal("line 1", lines[0]);
        Assert.Equal("line 20", lines[19]);
        Assert.Equal("… 40 lines …", lines[20]);
        Assert.Equal("line 61", lines[21]);
        Assert.Equal("line 100", lines[^1]);
    }

    [Theory]
    [InlineData("localhost:5000/shop/api:sha-1", "api")]
    [InlineData("drydock-testing/testapp:abc", "testapp")]
    [InlineData("shop/api@sha256:0123", "api")]
    [InlineData("sha256:0123456789abcdef0123", "image-0123456789ab")]
    public void FileName_ImageName(string image, string expected) =>
        Assert.Equal(expected, LogExcerpt.FileName(image));
}
