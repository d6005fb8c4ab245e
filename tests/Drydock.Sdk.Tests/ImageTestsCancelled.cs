using System.Diagnostics;
using Drydock.Sdk.Tests.Support;

namespace Drydock.Sdk.Tests;

/// <summary>Ctrl+C while the image's tests run: the publish stops and leaves no container behind.</summary>
public sealed class ImageTestsCancelled : IDisposable
{
    private readonly TestProject _project = TestProject.Create("cancelled", program: TestApps.Web);

    [Fact]
    public void SIGINT_during_the_tests_leaves_no_container()
    {
        _project.AddImageTests("""
                [Fact]
                public async Task Takes_its_time()
                {
                    await using var app = await image.StartAsync();
                    await Task.Delay(TimeSpan.FromMinutes(3));
                }
            """);
        var output = new System.Text.StringBuilder();
        using var publish = _project.StartPublish(output);

        try
        {
            // Wait (bounded) until the test has its container running.
            var deadline = Stopwatch.StartNew();
            while (Oci.TestContainersOf(_project.Name).Length == 0)
            {
                Assert.False(publish.HasExited, $"the publish ended before its tests started a container: {output}");
                Assert.True(deadline.Elapsed < TimeSpan.FromMinutes(3), "no test container appeared within 3 minutes");
                Thread.Sleep(500);
            }

            Assert.Equal(0, Signal(publish.Id, "INT"));
            Assert.True(publish.WaitForExit(TimeSpan.FromSeconds(90)), "the publish did not stop within 90 s of SIGINT");
        }
        finally
        {
            if (!publish.HasExited)
            {
                publish.Kill(entireProcessTree: true);
            }
        }

        Assert.NotEqual(0, publish.ExitCode);
        Assert.Empty(Oci.TestContainersOf(_project.Name));
    }

    public void Dispose()
    {
        Oci.RemoveRepository("cancelled");
        _project.Dispose();
    }

    private static int Signal(int pid, string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        return kill.ExitCode;
    }
}
