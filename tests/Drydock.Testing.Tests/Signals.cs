using Drydock.Testing.Tests.Support;

namespace Drydock.Testing.Tests;

/// <summary>A test host interrupted mid-run (Ctrl+C, a CI cancel) removes its containers on the way out.</summary>
[Collection(WithTestImages.Name)]
public sealed class Signals(TestImages images)
{
    [Theory]
    [InlineData("docker", "INT")]
    [InlineData("docker", "TERM")]
    [InlineData("podman", "INT")]
    [InlineData("podman", "TERM")]
    [InlineData(TestEngines.Remote, "INT")]
    [InlineData(TestEngines.Remote, "TERM")]
    public async Task Signal_WhileAContainerRuns_LeavesNoContainer(string engine, string signal)
    {
        var runId = "signal-" + Guid.NewGuid().ToString("N")[..12];
        // Through env --default-signal: a test run started in the background (nohup ./build.sh test &) ignores SIGINT,
        // and the host would inherit that; the signal this test sends must reach the host's handler.
        using var host = Shell.Start("env", ["--default-signal", "dotnet", Path.Combine(AppContext.BaseDirectory, "Drydock.Testing.SignalHost.dll")], new Dictionary<string, string?>(TestEngines.Environment(engine))
        {
            ["DRYDOCK_IMAGE"] = images.App,
            ["DRYDOCK_RUNTIME"] = TestEngines.Cli(engine),
            ["DRYDOCK_RUN_ID"] = runId,
        });
        var started = await host.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.StartsWith("started ", started, StringComparison.Ordinal);
        Assert.Single(Shell.ContainersOfRun(engine, runId));

        Assert.True(Shell.Run("kill", ["-s", signal, host.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(10)).Succeeded);

        await host.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Empty(Shell.ContainersOfRun(engine, runId));
    }
}
