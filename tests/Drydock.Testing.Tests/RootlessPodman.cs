using System.Globalization;
using Drydock.Testing.Tests.Support;

namespace Drydock.Testing.Tests;

/// <summary>
/// Readiness under rootless podman, whose port forwarder (rootlessport) accepts a connect with nothing
/// behind it: Drydock.Testing runs as the user eng/setup.sh makes (drydock-rootless), against that
/// user's own podman. Limits, OOM and stats are not tested here: on this kernel's cgroup v1, rootless
/// podman ignores every resource limit and has no stats.
/// </summary>
[Collection(WithTestImages.Name)]
public sealed class RootlessPodman(TestImages images)
{
    private const string User = "drydock-rootless";
    private static readonly HashSet<string> Loaded = [];

    [Fact]
    public void ListensAfterFiveSeconds_ReadyOnlyThenAndAnswersAtOnce()
    {
        var (line, output) = RunOnce("TESTAPP_MODE=slow", timeout: "30s");

        Assert.StartsWith("ready ", line, StringComparison.Ordinal);
        var parts = line.Split(' ');
        Assert.True(double.Parse(parts[1], CultureInfo.InvariantCulture) >= 5, output);
        Assert.Equal("ok", parts[2]);
    }

    [Fact]
    public void ListensOnAnotherPort_Dry5102NamingBothPorts()
    {
        var (line, output) = RunOnce("ASPNETCORE_HTTP_PORTS=9999", timeout: "8s");

        Assert.StartsWith("failed DRY5102 ", line, StringComparison.Ordinal);
        Assert.Contains("waited on port 8080", line, StringComparison.Ordinal);
        Assert.Matches(@"the app listens on [^|]*:9999", line);
        Assert.Empty(Podman("ps", "-a", "-q", "--filter", $"label=io.drydock.run={images.RunId}-rootless").StandardOutput.Trim());
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
    }

    [Fact]
    public void ExitsAtOnce_Dry5101WithItsExitCode()
    {
        var (line, _) = RunOnce("TESTAPP_MODE=crash", timeout: "30s");

        Assert.StartsWith("failed DRY5101 ", line, StringComparison.Ordinal);
        Assert.Contains("Exit code: 3", line, StringComparison.Ordinal);
    }

    /// <summary>Runs the host stand-in once as the rootless user; returns its result line and all output.</summary>
    private (string Line, string Output) RunOnce(string appEnvironment, string timeout)
    {
        EnsureLoaded(images.App);
        var host = Path.Combine(AppContext.BaseDirectory, "Drydock.Testing.SignalHost.dll");
        var result = Shell.Run("runuser", ["-u", User, "--", "env", $"HOME=/home/{User}",
            $"CONTAINERS_CONF={Path.Combine(TestImages.RepositoryRoot, "eng", "containers.conf")}",
            $"DRYDOCK_IMAGE={images.App}", "DRYDOCK_RUNTIME=podman", $"DRYDOCK_RUN_ID={images.RunId}-rootless",
            $"DRYDOCK_TEST_TIMEOUT={timeout}", $"SIGNALHOST_APP_ENV={appEnvironment}",
            "DOTNET_CLI_HOME=/tmp", "dotnet", host, "once"], TimeSpan.FromMinutes(3));
        var output = result.StandardOutput + result.StandardError;
        var line = result.StandardOutput.Split('\n').FirstOrDefault(line => line.StartsWith("ready ", StringComparison.Ordinal) || line.StartsWith("failed ", StringComparison.Ordinal));
        return (line ?? throw new InvalidOperationException($"The host stand-in printed no result (exit code {result.ExitCode}):\n{output}"), output);
    }

    private static Drydock.Processes.ProcessResult Podman(params string[] arguments) =>
        Shell.Run("runuser", ["-u", User, "--", "env", $"HOME=/home/{User}", $"CONTAINERS_CONF={Path.Combine(TestImages.RepositoryRoot, "eng", "containers.conf")}", "podman", .. arguments], TimeSpan.FromMinutes(3));

    /// <summary>
    /// Copies the test app from root's podman into the rootless user's once per test run (podman save,
    /// then load as the user), removing the copies earlier runs left there.
    /// </summary>
    private static void EnsureLoaded(string image)
    {
        lock (Loaded)
        {
            if (!Loaded.Add(image))
            {
                return;
            }

            Assert.True(Shell.Run("id", [User], TimeSpan.FromSeconds(10)).Succeeded, $"No user {User}: run eng/setup.sh as root (it sets up rootless podman).");
            var old = Podman("images", "--quiet", "--filter", "reference=drydock-testing/testapp").StandardOutput
                .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct();
            foreach (var id in old)
            {
                Podman("rmi", "--force", id);
            }

            var archive = Path.Combine(Path.GetTempPath(), $"drydock-rootless-{Guid.NewGuid():N}.tar");
            try
            {
                var save = Shell.Engine("podman", "save", "--format", "docker-archive", "--output", archive, image);
                Assert.True(save.Succeeded, save.StandardError);
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(archive, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
                }

                var load = Podman("load", "--input", archive);
                Assert.True(load.Succeeded, load.StandardOutput + load.StandardError);
            }
            finally
            {
                File.Delete(archive);
            }
        }
    }
}
