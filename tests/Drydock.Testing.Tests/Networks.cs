using Drydock.Testing.Tests.Support;

namespace Drydock.Testing.Tests;

/// <summary>
/// The app's container joins a test's own network (where its backing services run), is reached there
/// by its alias, keeps the profile's limits, and the sweeper removes the run's networks after its containers.
/// </summary>
[Collection(WithTestImages.Name)]
public sealed class Networks(TestImages images)
{
    private readonly string _runId = "networks-" + Guid.NewGuid().ToString("N")[..12];

    [Theory]
    [MemberData(nameof(TestEngines.Both), MemberType = typeof(TestEngines))]
    public async Task Network_JoinsItUnderTheAliasWithTheProfilesLimits(string engine)
    {
        var network = CreateNetwork(engine, _runId, Environment.ProcessId);
        await using var image = ImageUnderTest.For(images.Options(engine, new TestProfile { Memory = "192m" }) with { RunId = _runId });

        await using var peer = await image.StartAsync(options =>
        {
            options.Network = network;
            options.NetworkAliases.Add("peer");
        });
        await using var app = await image.StartAsync(options => options.Network = network);

        Assert.Equal("connected", await app.Http.GetStringAsync(new Uri("/connect?host=peer&port=8080", UriKind.Relative)));
        Assert.Equal("201326592 1", Shell.Engine(engine, "inspect", "--format", "{{.HostConfig.Memory}} {{len .NetworkSettings.Networks}}", app.Id).StandardOutput.Trim());
        Assert.Contains(network, Shell.Engine(engine, "inspect", "--format", "{{json .NetworkSettings.Networks}}", app.Id).StandardOutput);
        await peer.DisposeAsync();
        await app.DisposeAsync();

        var removed = ContainerSweeper.Sweep(TestEngines.Use(engine), _runId);

        Assert.Equal(1, removed);
        Assert.Empty(NetworksOfRun(engine, _runId));
    }

    [Theory]
    [MemberData(nameof(TestEngines.Both), MemberType = typeof(TestEngines))]
    public void Sweep_RemovesTheRunsContainersThenItsNetworks(string engine)
    {
        var network = CreateNetwork(engine, _runId, Environment.ProcessId);
        var other = CreateNetwork(engine, "other-" + _runId, Environment.ProcessId);
        // A container still on the network, as a killed test host leaves it: the network goes after it.
        var created = Shell.Engine(engine, "create", "--label", $"io.drydock.run={_runId}", "--network", network, images.App);
        Assert.True(created.Succeeded, created.StandardError);

        var removed = ContainerSweeper.Sweep(TestEngines.Use(engine), _runId);

        Assert.Equal(2, removed);
        Assert.Empty(Shell.ContainersOfRun(engine, _runId));
        Assert.Empty(NetworksOfRun(engine, _runId));
        Assert.Equal([other], NetworksOfRun(engine, "other-" + _runId));
        ContainerSweeper.Sweep(TestEngines.Use(engine), "other-" + _runId);
    }

    [Theory]
    [MemberData(nameof(TestEngines.Both), MemberType = typeof(TestEngines))]
    public void SweepDeadRuns_RemovesNetworksOfEndedProcessesOnly(string engine)
    {
        var ended = Shell.Start("true", []);
        ended.WaitForExit();
        CreateNetwork(engine, _runId, ended.Id);
        var alive = CreateNetwork(engine, "alive-" + _runId, Environment.ProcessId);

        ContainerSweeper.SweepDeadRuns(TestEngines.Use(engine));

        Assert.Empty(NetworksOfRun(engine, _runId));
        Assert.Equal([alive], NetworksOfRun(engine, "alive-" + _runId));
        ContainerSweeper.Sweep(TestEngines.Use(engine), "alive-" + _runId);
    }

    [Fact]
    public async Task NetworkAliases_WithoutNetwork_IsRefusedBeforeAnythingStarts()
    {
        await using var image = ImageUnderTest.For(images.Options("podman") with { RunId = _runId });

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => image.StartAsync(options => options.NetworkAliases.Add("api")));

        Assert.Contains("NetworkAliases need a Network", refused.Message, StringComparison.Ordinal);
        Assert.Empty(Shell.ContainersOfRun("podman", _runId));
    }

    /// <summary>A network as Testcontainers makes one with <c>WithLabel(TestRun.Labels)</c>.</summary>
    private static string CreateNetwork(string engine, string runId, int pid)
    {
        var name = $"{runId}-{Guid.NewGuid():N}"[..36];
        var created = Shell.Engine(engine, "network", "create", "--label", $"io.drydock.run={runId}", "--label", $"io.drydock.pid={pid}", "--label", $"io.drydock.owner={Cleanup.Owner(pid)}", name);
        Assert.True(created.Succeeded, created.StandardError);
        return name;
    }

    private static string[] NetworksOfRun(string engine, string runId) =>
        Shell.Engine(engine, "network", "ls", "--filter", $"label=io.drydock.run={runId}", "--format", "{{.Name}}").StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
