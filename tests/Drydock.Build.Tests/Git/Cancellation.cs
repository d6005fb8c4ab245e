using System.Diagnostics;
using Drydock.Build.Git;
using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Git;

public class Cancellation
{
    [Fact]
    public void Read_CancelledWhileGitHangs_KillsGitAndThrowsOperationCanceled()
    {
        // A "git" that never answers, started through a shell so that it has a child of its own.
        using var repository = TempGitRepository.Init();
        var pidFile = Path.Combine(repository.Sandbox, "sleep.pid");
        var bin = FakeGit.Create(repository.Sandbox, "hanging-bin", $"sleep 300 &\necho $! > '{pidFile}'\nwait\n");
        var environment = new Dictionary<string, string?>(repository.Environment) { ["PATH"] = bin + ":/usr/bin:/bin" };
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var stopwatch = Stopwatch.StartNew();

        Assert.ThrowsAny<OperationCanceledException>(
            () => GitRepository.Read(repository.Path, new ListBuildLog(), environment, cancellation.Token));

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"took {stopwatch.Elapsed}");
        var sleep = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(WaitUntilGone(sleep), "git's child process is still running");
    }

    private static bool WaitUntilGone(int pid)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            if (!Directory.Exists($"/proc/{pid}") || File.ReadAllText($"/proc/{pid}/stat").Split(' ')[2] == "Z")
            {
                return true;
            }

            Thread.Sleep(100);
        }

        return false;
    }
}
