using System.Text.Json.Nodes;
using Drydock.Sdk.Tests.Support;

namespace Drydock.Sdk.Tests;

/// <summary>
/// Tests that pass against the image: the publish succeeds, the report has their counts, TRX lands
/// beside it, the limits are really applied, and the same image is not tested twice.
/// </summary>
public sealed class ImageTestsPass : IDisposable
{
    private readonly TestProject _project = TestProject.Create("limits", program: TestApps.Web);

    [Fact]
    public void Passing_tests_pass_the_publish_and_are_cached_afterwards()
    {
        _project.AddImageTests("""
                [Fact]
                public async Task Answers()
                {
                    await using var app = await image.StartAsync();
                    Assert.Equal("Hello from a Drydock test!", await app.Http.GetStringAsync("/"));
                    File.WriteAllText(Path.Combine(Environment.GetEnvironmentVariable("DRYDOCK_RESULTS_DIRECTORY")!, "answers.id"), app.Id);
                }

                [Fact]
                public async Task Sees_one_cpu_and_the_memory_limit()
                {
                    await using var app = await image.StartAsync();
                    File.WriteAllText(Path.Combine(Environment.GetEnvironmentVariable("DRYDOCK_RESULTS_DIRECTORY")!, "limits.id"), app.Id);
                    var seen = (await app.Http.GetStringAsync("/env")).Split(' ');
                    Assert.Equal("1", seen[0]);
                    Assert.InRange(long.Parse(seen[1]), 64L << 20, 192L << 20);
                }
            """);

        var first = _project.Publish("-p:ContainerTestMemory=192m");

        Assert.True(first.Succeeded, first.StandardOutput);
        var report = _project.Report();
        Assert.True((bool)report["tested"]!);
        var tests = report["tests"]!.AsArray().Single()!;
        Assert.Equal("limits.ImageTests", (string?)tests["project"]);
        Assert.Equal(2, (int)tests["passed"]!);
        Assert.Equal(0, (int)tests["failed"]!);
        Assert.False((bool)tests["cached"]!);
        Assert.True(File.Exists((string)tests["trx"]!));
        Assert.StartsWith(Path.GetDirectoryName(_project.ReportPath)!, (string)tests["trx"]!);
        Assert.Empty(Oci.TestContainersOf(_project));

        var second = _project.Publish("-p:ContainerTestMemory=192m");

        Assert.True(second.Succeeded, second.StandardOutput);
        Assert.Contains("cached: this image already passed these tests", second.StandardOutput);
        Assert.True((bool)_project.Report()["tests"]![0]!["cached"]!);

        // Another profile is another test run. The last run's two starts had no overrides: the publish starts
        // two containers with the new profile while the test host starts, and each test takes one.
        var third = _project.Publish("-p:ContainerTestMemory=160m", "-v:d");

        Assert.True(third.Succeeded, third.StandardOutput);
        Assert.False((bool)_project.Report()["tests"]![0]!["cached"]!);
        var handedOver = third.StandardOutput.Split('\n').Single(line => line.Contains("Drydock: handed over", StringComparison.Ordinal));
        Assert.Contains("handed over 2 container(s) started ahead", handedOver);
        var files = _project.Report()["tests"]![0]!["files"]!.AsArray().Select(file => (string)file!).ToList();
        foreach (var id in files.Where(file => file.EndsWith(".id", StringComparison.Ordinal)).Select(File.ReadAllText))
        {
            Assert.Contains(id[..12], handedOver);
        }

        Assert.Equal(2, files.Count(file => file.EndsWith(".id", StringComparison.Ordinal)));

        var skipped = _project.Publish("-p:DrydockTest=false");

        Assert.True(skipped.Succeeded, skipped.StandardOutput);
        Assert.False((bool)_project.Report()["tested"]!);
        Assert.Empty(_project.Report()["tests"]!.AsArray());
    }

    public void Dispose()
    {
        Oci.RemoveRepository("limits");
        _project.Dispose();
    }
}
