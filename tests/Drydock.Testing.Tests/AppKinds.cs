using System.Diagnostics;
using Drydock.Testing.Tests.Support;

namespace Drydock.Testing.Tests;

/// <summary>
/// Apps that are no HTTP server, shaped like dotnet-docker's samples: a console app run to its exit
/// (dotnetapp), a job that hangs, a worker ready by a log line or by running, and a crash whose cause
/// is printed first (globalapp without ICU). On both engines; nothing is left behind.
/// </summary>
[Collection(WithTestImages.Name)]
public sealed class AppKinds(TestImages images)
{
    private static readonly TestProfile NoPort = new() { Port = null, Timeout = TimeSpan.FromSeconds(20) };

    [Theory]
    [MemberData(nameof(TestEngines.Both), MemberType = typeof(TestEngines))]
    public async Task ConsoleApp_RunsToExit_WithOutputStreamsAndExitCode(string engine)
    {
        await using var image = ImageUnderTest.For(images.Options(engine, NoPort with { Cpus = 0.5 }));

        var exit = await image.RunToExitAsync(["dotnetapp", "Drydock"], TimeSpan.FromSeconds(60));

        Assert.Equal(0, exit.ExitCode);
        Assert.False(exit.OomKilled);
        Assert.Equal("Hello, Drydock!\nCores: 1\ndotnetapp: done\n", exit.StandardOutput);
        Assert.Equal("dotnetapp: a line on stderr\n", exit.StandardError);
        Assert.Contains("Hello, Drydock!", exit.Output, StringComparison.Ordinal);
        Assert.Contains("dotnetapp: a line on stderr", exit.Output, StringComparison.Ordinal);
        Assert.InRange(exit.Duration, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(60));
        Assert.Empty(Shell.Engine(engine, "ps", "-a", "-q", "--filter", $"id={exit.ContainerId}").StandardOutput.Trim());
    }

    [Theory]
    [MemberData(nameof(TestEngines.Both), MemberType = typeof(TestEngines))]
    public async Task ConsoleApp_NonZeroExitAndEnvironment_Reported(string engine)
    {
        await using var image = ImageUnderTest.For(images.Options(engine, NoPort));

        var exit = await image.RunToExitAsync(["dotnetapp", "job", "7"], TimeSpan.FromSeconds(60), options => options.Cpus = 2);

        Assert.Equal(7, exit.ExitCode);
        Assert.Contains("Cores: 2\n", exit.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestEngines.Both), MemberType = typeof(TestEngines))]
    public async Task Job_OutlivesItsTimeout_KilledAndDry5106(string engine)
    {
        await using var image = ImageUnderTest.For(images.Options(engine, NoPort));
        var clock = Stopwatch.StartNew();

        var failure = await Assert.ThrowsAsync<ContainerStartException>(() =>
            image.RunToExitAsync([], TimeSpan.FromSeconds(3), options => options.Environment["TESTAPP_MODE"] = "silent"));

        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3 + 20));
        Assert.Equal("DRY5106", failure.Code);
        Assert.Contains("never listening", failure.Logs, StringComparison.Ordinal);
        Assert.Contains("RunToExitAsync", failure.Message, StringComparison.Ordinal);
        Assert.Empty(Shell.Engine(engine, "ps", "-a", "-q", "--filter", $"id={failure.ContainerId}").StandardOutput.Trim());
    }

    [Theory]
    [MemberData(nameof(TestEngines.Both), MemberType = typeof(TestEngines))]
    public async Task Worker_ReadyByLogLine_OnlyOnceItIsPrinted(string engine)
    {
        await using var image = ImageUnderTest.For(images.Options(engine, NoPort with { ReadyLogPattern = @"^Worker running at: \d{4}-" }));
        var clock = Stopwatch.StartNew();

        await using var worker = await image.StartAsync(options => options.Environment["TESTAPP_MODE"] = "worker");
        var readyAfter = clock.Elapsed;
        var logs = await worker.GetLogsAsync();

        Assert.True(readyAfter >= TimeSpan.FromSeconds(2), $"ready after {readyAfter.TotalSeconds:0.00} s, before the worker logged");
        Assert.Contains("Worker running at:", logs, StringComparison.Ordinal);
        Assert.True((await worker.GetStateAsync()).Running);
        var noEndpoint = Assert.Throws<InvalidOperationException>(() => worker.Endpoint);
        Assert.Contains("ContainerTestPort", noEndpoint.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestEngines.Both), MemberType = typeof(TestEngines))]
    public async Task Worker_PatternNeverPrinted_Dry5102NamingThePattern(string engine)
    {
        await using var image = ImageUnderTest.For(images.Options(engine, NoPort with { Timeout = TimeSpan.FromSeconds(4), ReadyLogPattern = "Worker stopped" }));

        var failure = await Assert.ThrowsAsync<ContainerStartException>(() =>
            image.StartAsync(options => options.Environment["TESTAPP_MODE"] = "worker"));

        Assert.Equal("DRY5102", failure.Code);
        Assert.Contains("'Worker stopped'", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Worker running at:", failure.Logs, StringComparison.Ordinal);
        Assert.Empty(Shell.Engine(engine, "ps", "-a", "-q", "--filter", $"id={failure.ContainerId}").StandardOutput.Trim());
    }

    [Theory]
    [MemberData(nameof(TestEngines.Both), MemberType = typeof(TestEngines))]
    public async Task Worker_ReadyWhenStarted_ReturnsWhileItRuns(string engine)
    {
        await using var image = ImageUnderTest.For(images.Options(engine, NoPort));

        await using var worker = await image.StartAsync(options =>
        {
            options.ReadyWhenStarted = true;
            options.Environment["TESTAPP_MODE"] = "worker";
        });

        Assert.True((await worker.GetStateAsync()).Running);
    }

    [Fact]
    public async Task NoPortAndNoOtherReadiness_Dry5103NamingContainerTestPort()
    {
        await using var image = ImageUnderTest.For(images.Options("docker", NoPort));
        var before = Shell.ContainersOfRun("docker", images.RunId).Length;

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => image.StartAsync());

        Assert.StartsWith("DRY5103: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("ContainerTestPort", error.Message, StringComparison.Ordinal);
        Assert.Contains("RunToExitAsync", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, Shell.ContainersOfRun("docker", images.RunId).Length);
    }

    [Theory]
    [MemberData(nameof(TestEngines.Both), MemberType = typeof(TestEngines))]
    public async Task CrashWithCauseFirst_CauseKeptAndWholeLogWritten(string engine)
    {
        var results = Path.Combine(Path.GetTempPath(), "drydock-results-" + Guid.NewGuid().ToString("N")[..8]);
        await using var image = ImageUnderTest.For(images.Options(engine) with { ResultsDirectory = results });
        try
        {
            var failure = await Assert.ThrowsAsync<ContainerStartException>(() =>
                image.StartAsync(options => options.Environment["TESTAPP_MODE"] = "globalapp"));

            Assert.Equal("DRY5101", failure.Code);
            Assert.NotEqual(0, failure.ExitCode);
            // The cause is the first line; 80 frames follow it, so a tail alone would lose it.
            Assert.Contains("Couldn't find a valid ICU package", failure.Message, StringComparison.Ordinal);
            Assert.Matches(@"… \d+ lines …", failure.Logs);
            Assert.Contains("TypeInitializationException", failure.Logs, StringComparison.Ordinal);
            var file = Assert.Single(Directory.GetFiles(results));
            Assert.Equal(file, failure.LogFile);
            Assert.Equal($"testapp-{failure.ContainerId[..12]}.log", Path.GetFileName(file));
            Assert.Contains($"Whole log: {file}", failure.Message, StringComparison.Ordinal);
            var whole = await File.ReadAllLinesAsync(file);
            Assert.StartsWith("Process terminated. Couldn't find a valid ICU package", whole[0], StringComparison.Ordinal);
            Assert.True(whole.Length > LogExcerpt.Head + LogExcerpt.Tail, $"{whole.Length} lines");
            // Deep(80) down to Deep(0): 81 frames.
            Assert.Equal(81, whole.Count(line => line.Contains("Deep", StringComparison.Ordinal)));
        }
        finally
        {
            if (Directory.Exists(results))
            {
                Directory.Delete(results, recursive: true);
            }
        }
    }
}
