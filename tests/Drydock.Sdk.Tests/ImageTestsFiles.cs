using Drydock.Build.Diagnostics;
using Drydock.Sdk.Tests.Support;

namespace Drydock.Sdk.Tests;

/// <summary>
/// Each test project gets its own folder beside its TRX (DRYDOCK_RESULTS_DIRECTORY) for whole
/// container logs; the report and the failure message link what the run left there, and only that.
/// </summary>
public sealed class ImageTestsFiles : IDisposable
{
    private readonly TestProject _project = TestProject.Create("withlogs", program: TestApps.Web);

    public ImageTestsFiles() =>
        // Another engine may answer on this machine (docker before 25 cannot load OCI archives): podman, explicitly.
        _project.Environment["LocalRegistry"] = "Podman";

    [Fact]
    public void Files_a_run_writes_beside_its_TRX_are_linked_from_the_report()
    {
        _project.AddImageTests("""
                [Fact]
                public void Crashes_with_its_whole_log()
                {
                    var folder = Environment.GetEnvironmentVariable("DRYDOCK_RESULTS_DIRECTORY")!;
                    File.WriteAllText(Path.Combine(folder, "app.log"), "line 1: ICU is missing\nline 36: stack frame\n");
                    Assert.Fail("the app crashed; see app.log");
                }
            """);
        var folder = Path.Combine(Path.GetDirectoryName(_project.ReportPath)!, "drydock-tests", "withlogs.ImageTests");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "stale.log"), "from an earlier publish");

        var publish = _project.Publish();

        Assert.False(publish.Succeeded);
        Assert.Contains($"error {KnownCodes.TestsFailed}:", publish.StandardOutput);
        var log = Path.Combine(folder, "app.log");
        Assert.Contains($"files: {log}", publish.StandardOutput);
        var files = _project.Report()["tests"]![0]!["files"]!.AsArray().Select(file => (string)file!).ToArray();
        Assert.Equal([log], files);
        Assert.StartsWith("line 1: ICU is missing", File.ReadAllText(log));
        Assert.False(File.Exists(Path.Combine(folder, "stale.log")));
    }

    public void Dispose()
    {
        Oci.RemoveRepository("withlogs");
        _project.Dispose();
    }
}
