using Drydock.Build.Testing;

namespace Drydock.Build.Tests.Testing;

/// <summary>The test step's phases, split by the TRX a real `dotnet test` run wrote (xunit 2.9.3, three tests).</summary>
public sealed class TestPhasesTests
{
    private static readonly string Fixture = Path.Combine(AppContext.BaseDirectory, "Testing", "Fixtures", "one-failed-one-skipped.trx");

    [Fact]
    public void TestSpan_RealRun_FirstStartAndLastEnd()
    {
        var span = TrxFile.TestSpan(Fixture);

        Assert.NotNull(span);
        Assert.Equal(DateTimeOffset.Parse("2026-11-25T15:42:08.0694001+00:00", System.Globalization.CultureInfo.InvariantCulture), span.Value.First);
        Assert.Equal(DateTimeOffset.Parse("2026-11-25T15:42:08.1621636+00:00", System.Globalization.CultureInfo.InvariantCulture), span.Value.Last);
    }

    [Fact]
    public void Phases_ProcessAroundTheTests_SplitsHostStartTestsAndHostEnd()
    {
        var started = DateTimeOffset.Parse("2026-11-25T15:42:06.5694001+00:00", System.Globalization.CultureInfo.InvariantCulture);
        var ended = DateTimeOffset.Parse("2026-11-25T15:42:08.4621636+00:00", System.Globalization.CultureInfo.InvariantCulture);

        var phases = ImageTestRunner.Phases(Fixture, started, ended);

        Assert.Equal(1.5, phases.HostStart, 3);
        Assert.Equal(0.093, phases.Tests, 3);
        Assert.Equal(0.3, phases.HostEnd, 3);
        Assert.Equal(0, phases.Build);
        Assert.Equal(0, phases.CleanUp);
    }

    [Fact]
    public void Phases_TestsWaitedForTheImageOfAnEarlyTestHost_TestsCountFromTheHandover()
    {
        // The test host started while the app compiled; its first test began, then waited for the image handed over 0.03 s later.
        var handover = DateTimeOffset.Parse("2026-11-25T15:42:08.1+00:00", System.Globalization.CultureInfo.InvariantCulture);
        var ended = DateTimeOffset.Parse("2026-11-25T15:42:08.4621636+00:00", System.Globalization.CultureInfo.InvariantCulture);

        var phases = ImageTestRunner.Phases(Fixture, handover, ended);

        Assert.Equal(0, phases.HostStart);
        Assert.Equal(0.062, phases.Tests, 3);
        Assert.Equal(0.3, phases.HostEnd, 3);
    }

    [Fact]
    public void Phases_NoTestRan_AllOfTheProcessIsHostStart()
    {
        using var temp = new Support.TempDirectory();
        var trx = temp.Write("empty.trx", """<TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010"><Results /></TestRun>""");
        var started = DateTimeOffset.UnixEpoch;

        var phases = ImageTestRunner.Phases(trx, started, started.AddSeconds(2));

        Assert.Equal(2, phases.HostStart, 3);
        Assert.Equal(0, phases.Tests);
        Assert.Equal(0, phases.HostEnd);
    }

    [Fact]
    public void ToString_NamesEveryPhaseInSeconds()
    {
        var phases = new TestPhases { Build = 0.8, HostStart = 1.25, Tests = 3, HostEnd = 0.1, CleanUp = 0.2 };

        Assert.Equal("build 0.80 s, host start 1.25 s, tests 3.00 s, host end 0.10 s, clean-up 0.20 s", phases.ToString());
    }
}
