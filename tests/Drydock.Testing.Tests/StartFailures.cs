using System.Diagnostics;
using Drydock.Testing.Tests.Support;

namespace Drydock.Testing.Tests;

/// <summary>
/// Readiness cannot be fooled: an app that crashes, never listens, listens late or on another port gets
/// what happened, on both engines, and leaves nothing. docker-proxy and rootlessport accept a connect on
/// the published port whatever the app does.
/// </summary>
[Collection(WithTestImages.Name)]
public sealed class StartFailures(TestImages images)
{
    [Theory]
    [MemberData(nameof(TestEngines.Three), MemberType = typeof(TestEngines))]
    public async Task CrashAtStart_ThrowsWithExitCodeAndLogs(string engine)
    {
        await using var image = ImageUnderTest.For(images.Options(engine));

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
        Assert.Empty(Shell.Engine(engine, "ps", "-a", "-q", "--filter", $"id={failure.ContainerId}").StandardOutput.Trim());
    }

    [Theory]
    [MemberData(nameof(TestEngines.Three), MemberType = typeof(TestEngines))]
    public async Task NeverListens_TimesOutWithinTheBound(string engine)
    {
        await using var image = ImageUnderTest.For(images.Options(engine, new TestProfile { Timeout = TimeSpan.FromSeconds(3) }));
        var clock = Stopwatch.StartNew();

        var failure = await Assert.ThrowsAsync<ContainerStartException>(() =>
            image.StartAsync(options => options.Environment["TESTAPP_MODE"] = "silent"));

        // The bound plus the run, the log read and the removal: seconds on Docker's vfs driver, which copies the image per container.
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3 + 20));
        Assert.Equal("DRY5102", failure.Code);
        Assert.Null(failure.ExitCode);
        Assert.Contains("never listening", failure.Logs, StringComparison.Ordinal);
        Assert.Contains("waited on port 8080", failure.Message, StringComparison.Ordinal);
        // The forwarder in front (docker-proxy, here or on the remote engine) accepted every connect: not taken for the app.
        Assert.Contains(engine == TestEngines.Remote ? "a connect the app holds open past the engine's port forwarder" : "the app listens on no TCP port", failure.Message, StringComparison.Ordinal);
        Assert.Contains("ReadyLogPattern", failure.Message, StringComparison.Ordinal); // a worker's way to be ready
        Assert.Empty(Shell.Engine(engine, "ps", "-a", "-q", "--filter", $"id={failure.ContainerId}").StandardOutput.Trim());
    }

    [Theory]
    [MemberData(nameof(TestEngines.Both), MemberType = typeof(TestEngines))]
    public async Task ReadyPathNotFound_TimesOut(string engine)
    {
        await using var image = ImageUnderTest.For(images.Options(engine, new TestProfile { Timeout = TimeSpan.FromSeconds(2), ReadyPath = "/missing" }));

        var failure = await Assert.ThrowsAsync<ContainerStartException>(() => image.StartAsync());

        Assert.Equal("DRY5102", failure.Code);
        Assert.Contains("GET /missing", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestEngines.Three), MemberType = typeof(TestEngines))]
    public async Task ListensAfterFiveSeconds_ReadyOnlyThenAndAnswersAtOnce(string engine)
    {
        await using var image = ImageUnderTest.For(images.Options(engine, new TestProfile { Timeout = TimeSpan.FromSeconds(30) }));
        var clock = Stopwatch.StartNew();

        await using var app = await image.StartAsync(options => options.Environment["TESTAPP_MODE"] = "slow");
        var readyAfter = clock.Elapsed;
        using var first = new HttpClient { BaseAddress = app.Http.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var answer = await first.GetStringAsync(new Uri("/", UriKind.Relative));

        Assert.True(readyAfter >= TimeSpan.FromSeconds(5), $"ready after {readyAfter.TotalSeconds:0.00} s, before the app listened");
        Assert.Equal("ok", answer);
    }

    [Fact]
    public async Task RemoteEngine_ImageWithoutDotnet_Dry5102SaysWhyTheAppsPortIsUnknown()
    {
        // The offline PostgreSQL image (eng/service-images.sh): its entrypoint is a script, no .NET to run the probe with; it listens on 5432.
        await using var image = ImageUnderTest.For(new ImageOptions
        {
            Image = $"{TestImages.Registry}/library/postgres:15",
            Runtime = TestEngines.Use(TestEngines.Remote),
            RunId = images.RunId,
            Profile = new TestProfile { Timeout = TimeSpan.FromSeconds(5), ReadOnly = false },
        });

        var failure = await Assert.ThrowsAsync<ContainerStartException>(() => image.StartAsync(o => o.Environment["POSTGRES_PASSWORD"] = "test"));

        Assert.Equal("DRY5102", failure.Code);
        Assert.Contains("the image's entrypoint is not dotnet, which the engine-side socket probe runs with, so the port the app listens on is unknown", failure.Message, StringComparison.Ordinal);
        Assert.Empty(Shell.Engine(TestEngines.Remote, "ps", "-a", "-q", "--filter", $"label=io.drydock.run={images.RunId}").StandardOutput.Trim());
    }

    [Theory]
    [MemberData(nameof(TestEngines.Three), MemberType = typeof(TestEngines))]
    public async Task ListensOnAnotherPort_Dry5102NamingBothPortsWithinTheBound(string engine)
    {
        await using var image = ImageUnderTest.For(images.Options(engine, new TestProfile { Timeout = TimeSpan.FromSeconds(8) }));
        var clock = Stopwatch.StartNew();

        var failure = await Assert.ThrowsAsync<ContainerStartException>(() =>
            image.StartAsync(options => options.Environment["ASPNETCORE_HTTP_PORTS"] = "9999"));

        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(8 + 20));
        Assert.Equal("DRY5102", failure.Code);
        Assert.Null(failure.ExitCode);
        Assert.Contains("waited on port 8080", failure.Message, StringComparison.Ordinal);
        if (engine == TestEngines.Remote)
        {
            // Which check ran, and where: this machine cannot see the remote container's sockets; the engine can.
            Assert.Contains($"published at {TestEngines.RemoteAddress}:", failure.Message, StringComparison.Ordinal);
            Assert.Contains("its sockets as the engine sees them, from a helper container in its network namespace", failure.Message, StringComparison.Ordinal);
        }

        Assert.Matches(@"the app listens on [^\n]*:9999", failure.Message);
        // Nothing left: neither the app's container nor the helper that read its sockets.
        Assert.Empty(Shell.Engine(engine, "ps", "-a", "-q", "--filter", $"label=io.drydock.run={images.RunId}").StandardOutput.Trim());
        Assert.Empty(Shell.Engine(engine, "ps", "-a", "-q", "--filter", $"id={failure.ContainerId}").StandardOutput.Trim());
    }
}
