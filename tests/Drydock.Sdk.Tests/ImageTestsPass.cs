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
                }

                [Fact]
                public async Task Sees_one_cpu_and_the_memory_limit()
                {
                    await using var app = await image.StartAsync();
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

        // Another profile is another test run.
        var third = _project.Publish("-p:ContainerTestMemory=160m");

        Assert.True(third.Succeeded, third.StandardOutput);
        Assert.False((bool)_project.Report()["tests"]![0]!["cached"]!);

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
