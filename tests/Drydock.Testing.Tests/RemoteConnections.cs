using System.Net;
using Drydock.Testing.Tests.Support;

namespace Drydock.Testing.Tests;

/// <summary>
/// The remote engine reached the other ways CI reaches one: dockerd's own TLS on 2376 with client
/// certificates (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH; GitLab's dind default), and ssh:// (a build host).
/// The app answers where that engine publishes it, and nothing is left there.
/// </summary>
[Collection(WithTestImages.Name)]
public sealed class RemoteConnections(TestImages images)
{
    [Theory]
    [InlineData("tls")]
    [InlineData("ssh")]
    public async Task StartAsync_OverConnection_AnswersOnTheEnginesHostAndLeavesNothing(string connection)
    {
        var runId = "remote-" + connection + "-" + Guid.NewGuid().ToString("N")[..8];
        await using var image = ImageUnderTest.For(images.Options(TestEngines.Remote, connection: connection) with { RunId = runId });

        var app = await image.StartAsync();
        var answer = await app.Http.GetStringAsync(new Uri("/", UriKind.Relative));
        Assert.Equal("ok", answer);
        Assert.Equal(IPAddress.Parse(TestEngines.RemoteAddress), app.PublishedEndpoint.Address);
        Assert.Single(Shell.ContainersOfRun(TestEngines.Remote, runId));

        await app.DisposeAsync();
        await image.DisposeAsync();
        Assert.Empty(Shell.ContainersOfRun(TestEngines.Remote, runId));
    }
}
