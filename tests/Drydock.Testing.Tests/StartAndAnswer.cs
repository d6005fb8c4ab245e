using System.Net;
using Drydock.Testing.Tests.Support;

namespace Drydock.Testing.Tests;

/// <summary>The main scenario: start the image under the default profile and talk to it over HTTP.</summary>
[Collection(WithTestImages.Name)]
public sealed class StartAndAnswer(TestImages images)
{
    [Theory]
    [MemberData(nameof(TestEngines.Three), MemberType = typeof(TestEngines))]
    public async Task StartAsync_ReadyImage_AnswersThroughHttp(string engine)
    {
        await using var image = ImageUnderTest.For(images.Options(engine, new TestProfile { ReadyPath = "/" }));

        await using var app = await image.StartAsync();
        using var response = await app.Http.GetAsync(new Uri("/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
        // Where the engine publishes: this machine's loopback, or the remote engine's address from DOCKER_HOST.
        var host = engine == TestEngines.Remote ? TestEngines.RemoteAddress : "127.0.0.1";
        Assert.Equal(IPAddress.Parse(host), app.Endpoint.Address);
        Assert.Equal(app.PublishedEndpoint, app.Endpoint);
        Assert.Equal(new Uri($"http://{host}:{app.Endpoint.Port}/"), app.Http.BaseAddress);
    }

    [Theory]
    [MemberData(nameof(TestEngines.Both), MemberType = typeof(TestEngines))]
    public async Task StartAsync_Container_CarriesRunAndPidLabels(string engine)
    {
        await using var image = ImageUnderTest.For(images.Options(engine));

        await using var app = await image.StartAsync();
        var labels = Shell.Engine(engine, "inspect", "--format", "{{index .Config.Labels \"io.drydock.run\"}} {{index .Config.Labels \"io.drydock.pid\"}}", app.Id);

        Assert.Equal($"{images.RunId} {Environment.ProcessId}", labels.StandardOutput.Trim());
    }

    [Theory]
    [MemberData(nameof(TestEngines.Both), MemberType = typeof(TestEngines))]
    public async Task EnvironmentOverrides_ReachTheApp(string engine)
    {
        await using var image = ImageUnderTest.For(images.Options(engine));

        await using var app = await image.StartAsync(options => options.Environment["GREETING"] = "hello from the test");

        Assert.Equal("hello from the test", await app.Http.GetStringAsync(new Uri("/var?name=GREETING", UriKind.Relative)));
    }
}
