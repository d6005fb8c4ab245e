using Drydock.Build.Diagnostics;
using Drydock.Build.Metadata;
using Drydock.Build.Tests.Support;
using static Drydock.Build.Tests.Metadata.Facts;

namespace Drydock.Build.Tests.Metadata;

public class CreatedTests
{
    private readonly ListBuildLog log = new();

    [Fact]
    public void Resolve_SourceDateEpoch_WinsOverCommitTime()
    {
        var metadata = MetadataResolver.Resolve(new MetadataInputs { SourceDateEpoch = "1700000000" }, Repository(), ci: null, log);

        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), metadata.Created);
        Assert.Equal("2023-11-14T22:13:20Z", metadata.Labels[LabelKeys.Created]);
        Assert.Contains("Drydock: created=2023-11-14T22:13:20Z (from SOURCE_DATE_EPOCH)", log.Details);
    }

    [Fact]
    public void Resolve_NoSourceDateEpoch_CommitTimeInUtcWholeSeconds()
    {
        var metadata = MetadataResolver.Resolve(new MetadataInputs(), Repository(), ci: null, log);

        Assert.Equal("2024-05-17T07:30:15Z", metadata.Labels[LabelKeys.Created]);
        Assert.Equal(new DateTimeOffset(2024, 5, 17, 7, 30, 15, TimeSpan.Zero), metadata.Created);
        Assert.Equal(TimeSpan.Zero, metadata.Created.Offset);
    }

    [Fact]
    public void Resolve_NoRepositoryButSourceDateEpoch_VersionTagAndNoGitLabels()
    {
        var metadata = MetadataResolver.Resolve(new MetadataInputs { SourceDateEpoch = "0", DefaultVersion = "1.4.2" }, repository: null, ci: null, log);

        Assert.Equal("1970-01-01T00:00:00Z", metadata.Labels[LabelKeys.Created]);
        Assert.Equal(["1.4.2"], metadata.Tags);
        Assert.Null(metadata.Dirty);
        Assert.False(metadata.Labels.ContainsKey(LabelKeys.Revision));
        Assert.False(metadata.Labels.ContainsKey(LabelKeys.GitDirty));
    }

    [Fact]
    public void Resolve_NoRepositoryNoSourceDateEpoch_DRY1001()
    {
        var e = Assert.Throws<DrydockException>(() => MetadataResolver.Resolve(new MetadataInputs { DefaultVersion = "1.0.0" }, repository: null, CiRun(), log));

        Assert.Equal(KnownCodes.NoRepository, e.Code);
        Assert.Contains("SOURCE_DATE_EPOCH", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1700000000.5")]
    [InlineData("-1")]
    [InlineData("+5")]
    [InlineData("2024-05-17")]
    [InlineData("99999999999999999999")]
    [InlineData("253402300800")]
    [InlineData("8589934592")]
    public void Resolve_UnparsableSourceDateEpoch_DRY2004(string value)
    {
        var e = Assert.Throws<DrydockException>(() => MetadataResolver.Resolve(new MetadataInputs { SourceDateEpoch = value }, Repository(), ci: null, log));

        Assert.Equal(KnownCodes.InvalidSourceDateEpoch, e.Code);
        Assert.StartsWith($"the environment variable SOURCE_DATE_EPOCH is '{value}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_SourceDateEpochAtTheTarLimit_Accepted()
    {
        var metadata = MetadataResolver.Resolve(new MetadataInputs { SourceDateEpoch = "8589934591" }, Repository(), ci: null, log);

        Assert.Equal("2242-03-16T12:56:31Z", metadata.Labels[LabelKeys.Created]);
    }

    [Theory]
    [InlineData(8_589_934_592L)]
    [InlineData(-1L)]
    public void Resolve_CommitTimeATarHeaderCannotHold_DRY1010(long seconds)
    {
        var repository = Repository() with { CommitTime = DateTimeOffset.FromUnixTimeSeconds(seconds) };

        var e = Assert.Throws<DrydockException>(() => MetadataResolver.Resolve(new MetadataInputs(), repository, ci: null, log));

        Assert.Equal(KnownCodes.CommitTimeOutOfRange, e.Code);
        Assert.Contains("SOURCE_DATE_EPOCH", e.Message, StringComparison.Ordinal);
    }
}
