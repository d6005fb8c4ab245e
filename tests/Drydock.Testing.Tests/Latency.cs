using System.Diagnostics;
using Drydock.Testing.Tests.Support;

namespace Drydock.Testing.Tests;

/// <summary>The latency proxy delays the request and the response, each by the configured latency.</summary>
[Collection(WithTestImages.Name)]
public sealed class Latency(TestImages images)
{
    private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(100);

    [Theory]
    [MemberData(nameof(TestEngines.Three), MemberType = typeof(TestEngines))]
    public async Task Request_ThroughTheProxy_TakesTwiceTheLatencyLonger(string engine)
    {
        await using var image = ImageUnderTest.For(images.Options(engine, new TestProfile { Latency = Delay }));
        await using var app = await image.StartAsync();
        var port = Shell.Engine(engine, "port", app.Id, "8080/tcp").StandardOutput.Split('\n')[0].Trim().Split(':')[^1];
        using var direct = new HttpClient { BaseAddress = new Uri($"http://{app.PublishedEndpoint}/") };

        // The proxy listens here and forwards to where the engine published the port (the remote engine's host for the remote one).
        Assert.Equal(port, app.PublishedEndpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(engine == TestEngines.Remote ? TestEngines.RemoteAddress : "127.0.0.1", app.PublishedEndpoint.Address.ToString());
        Assert.NotEqual(app.PublishedEndpoint, app.Endpoint);
        var withoutLatency = await FastestAsync(direct);
        var withLatency = await FastestAsync(app.Http);

        // Request and response are each held for the latency; the fastest of a few requests each way, so a few ms of network noise either side.
        Assert.True(withLatency >= 2 * Delay, $"with {withLatency.TotalMilliseconds} ms");
        Assert.True(withLatency - withoutLatency >= (2 * Delay) - TimeSpan.FromMilliseconds(10), $"with {withLatency.TotalMilliseconds} ms, without {withoutLatency.TotalMilliseconds} ms");
        Assert.True(withLatency < (2 * Delay) + TimeSpan.FromMilliseconds(500), $"with {withLatency.TotalMilliseconds} ms");
    }

    [Theory]
    [MemberData(nameof(TestEngines.Both), MemberType = typeof(TestEngines))]
    public async Task Jitter_KeepsTheResponseIntact(string engine)
    {
        await using var image = ImageUnderTest.For(images.Options(engine, new TestProfile { Latency = TimeSpan.FromMilliseconds(20), Jitter = TimeSpan.FromMilliseconds(20) }));
        await using var app = await image.StartAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => app.Http.GetStringAsync(new Uri($"/var?name=ASPNETCORE_HTTP_PORTS&i={i}", UriKind.Relative))));

        Assert.All(answers, answer => Assert.Equal("8080", answer));
    }

    /// <summary>The fastest of a few requests on a warm connection: the app's own time is then stable.</summary>
    private static async Task<TimeSpan> FastestAsync(HttpClient http)
    {
        await http.GetStringAsync(new Uri("/", UriKind.Relative));
        var fastest = TimeSpan.MaxValue;
        for (var i = 0; i < 5; i++)
        {
            var clock = Stopwatch.StartNew();
            await http.GetStringAsync(new Uri("/", UriKind.Relative));
            fastest = clock.Elapsed < fastest ? clock.Elapsed : fastest;
        }

        return fastest;
    }
}
