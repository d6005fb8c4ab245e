using System.Diagnostics;
using System.Net;
using Drydock.Testing;
using Xunit;

namespace HelloApi.ImageTests;

/// <summary>
/// Runs against the HelloApi image as production starts it: 1 CPU, 256 MiB, read-only root, and 20 ms
/// of latency each way (see ContainerTest* in HelloApi.csproj). From an IDE, set DRYDOCK_IMAGE.
/// </summary>
public class ApiImageTests(ImageUnderTest image) : IClassFixture<ImageUnderTest>
{
    [Fact]
    public async Task Health_answers_within_budget()
    {
        await using var app = await image.StartAsync();

        var response = await app.Http.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(app.Stats().PeakMemoryBytes < 100 * 1024 * 1024, $"peak memory {app.Stats().PeakMemoryBytes} bytes");
    }

    [Fact]
    public async Task Greets()
    {
        await using var app = await image.StartAsync();

        Assert.Equal("Hello from Drydock!", await app.Http.GetStringAsync("/"));
    }

    [Fact]
    public async Task Pays_the_network_latency()
    {
        await using var app = await image.StartAsync();
        await app.Http.GetAsync("/health");

        var clock = Stopwatch.StartNew();
        await app.Http.GetAsync("/health");

        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(40), $"took {clock.Elapsed.TotalMilliseconds} ms");
    }
}
