using Drydock.Build.Diagnostics;
using Drydock.Build.Testing;
using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Testing;

/// <summary>Over a TRX file written by a real `dotnet test` run (xunit 2.9.3, one pass, one fail, one skip).</summary>
public sealed class TrxFileTests
{
    private static readonly string Fixture = Path.Combine(AppContext.BaseDirectory, "Testing", "Fixtures", "one-failed-one-skipped.trx");

    [Fact]
    public void Read_RealRun_CountsAndFailures()
    {
        var result = TrxFile.Read(Fixture, "Sample.ImageTests");

        Assert.Equal("Sample.ImageTests", result.Project);
        Assert.Equal(1, result.Passed);
        Assert.Equal(1, result.Failed);
        Assert.Equal(1, result.Skipped);
        Assert.False(result.Succeeded);
        var failure = Assert.Single(result.Failures);
        Assert.Equal("Sample.ImageTests.HealthTests.Memory_within_budget", failure.Name);
        Assert.Equal("peak memory 312 MiB > budget 256 MiB\nsecond line", failure.Message);
        Assert.InRange(result.DurationSeconds, 1.0, 2.0);
    }

    [Fact]
    public void Read_NoFile_DRY5003()
    {
        using var temp = new TempDirectory();

        var error = Assert.Throws<DrydockException>(() => TrxFile.Read(temp.File("missing.trx"), "Shop.ImageTests"));

        Assert.Equal(KnownCodes.TestResultsMissing, error.Code);
        Assert.Contains("Shop.ImageTests", error.Message);
    }

    [Fact]
    public void Read_NotXml_DRY5003()
    {
        using var temp = new TempDirectory();

        var error = Assert.Throws<DrydockException>(() => TrxFile.Read(temp.Write("half.trx", "<TestRun><Res"), "Shop.ImageTests"));

        Assert.Equal(KnownCodes.TestResultsMissing, error.Code);
    }
}
