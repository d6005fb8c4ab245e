using System.Net;
using Drydock.Testing.Tests.Support;

namespace Drydock.Testing.Tests;

/// <summary>The main scenario: start the image under the default profile and talk to it over HTTP.</summary>
[Collection(WithTestImages.Name)]
public sealed class StartAndAnswer(TestImages images)
{
    [Fact]
    public async Task StartAsync_ReadyImage_AnswersThroughHttp()
    {
        await using var image = ImageUnderTest.For(images.Options(new TestProfile { ReadyPath = "/" }));

        await using var app = await image.StartAsync();
        using var response = await app.Http.GetAsync(new Uri("/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
        Assert.Equal(IPAddress.Loopback, app.Endpoint.Address);
        Assert.Equal(new Uri($"http://127.0.0.1:{app.Endpoint.Port}/"), app.Http.BaseAddress);
    }

    [Fact]
    public async Task StartAsync_Container_CarriesRunAndPidLabels()
    {
        await using var image = ImageUnderTest.For(images.Options());

        await using var app = await image.StartAsync();
        var labels = Shell.Podman("inspect", "--format", "{{index .Config.Labels \"io.drydock.run\"}} {{index .Config.Labels \"io.drydock.pid\"}}", app.Id);

        Assert.Equal($"{images.RunId} {Environment.ProcessId}", labels.StandardOutput.Trim());
    }

    [Fact]
    public async Task EnvironmentOverrides_ReachTheApp()
    {
        await using var image = ImageUnderTest.For(images.Options());

        await using var app = await image.StartAsync(options => options.Environment["GREETING"] = "hello from the test");

        Assert.Equal("hello from the test", await app.Http.GetStringAsync(new Uri("/var?name=GREETING", UriKind.Relative)));
    }
}
