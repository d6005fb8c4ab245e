using System.Diagnostics;
using Drydock.Testing.Tests.Support;

namespace Drydock.Testing.Tests;

/// <summary>An app that crashes or never listens fails the start with what happened, and leaves nothing.</summary>
[Collection(WithTestImages.Name)]
public sealed class StartFailures(TestImages images)
{
    [Fact]
    public async Task CrashAtStart_ThrowsWithExitCodeAndLogs()
    {
        await using var image = ImageUnderTest.For(images.Options());

        var failure = await Assert.ThrowsAsync<ContainerStartException>(() =>
            image.StartAsync(options => options.Environment["TESTAPP_MODE"] = "crash"));

        Assert.Equal("DRY5101", failure.Code);
        Assert.Equal(3, failure.ExitCode);
        Assert.False(failure.OomKilled);
        Assert.Contains("crashing at start on purpose", failure.Logs, StringComparison.Ordinal);
        Assert.Contains("Exit code: 3", failure.Message, StringComparison.Ordinal);
        Assert.Contains("OOMKilled: false", failure.Message, StringComparison.Ordinal);
        Assert.Contains("crashing at start on purpose", failure.Message, StringComparison.Ordinal);
        Assert.Contains(images.App, failure.Message, StringComparison.Ordinal);
        Assert.Empty(Shell.Podman("ps", "-a", "-q", "--filter", $"id={failure.ContainerId}").StandardOutput.Trim());
    }

    [Fact]
    public async Task NeverListens_TimesOutWithinTheBound()
    {
        await using var image = ImageUnderTest.For(images.Options(new TestProfile { Timeout = TimeSpan.FromSeconds(3) }));
        var clock = Stopwatch.StartNew();

        var failure = await Assert.ThrowsAsync<ContainerStartException>(() =>
            image.StartAsync(options => options.Environment["TESTAPP_MODE"] = "silent"));

        // The bound plus the log read and the removal, which take a few hundred milliseconds.
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3 + 10));
        Assert.Equal("DRY5102", failure.Code);
        Assert.Null(failure.ExitCode);
        Assert.Contains("never listening", failure.Logs, StringComparison.Ordinal);
        Assert.Empty(Shell.Podman("ps", "-a", "-q", "--filter", $"id={failure.ContainerId}").StandardOutput.Trim());
    }

    [Fact]
    public async Task ReadyPathNotFound_TimesOut()
    {
        await using var image = ImageUnderTest.For(images.Options(new TestProfile { Timeout = TimeSpan.FromSeconds(2), ReadyPath = "/missing" }));

        var failure = await Assert.ThrowsAsync<ContainerStartException>(() => image.StartAsync());

        Assert.Equal("DRY5102", failure.Code);
        Assert.Contains("GET /missing", failure.Message, StringComparison.Ordinal);
    }
}
