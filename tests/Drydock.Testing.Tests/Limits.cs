using System.Globalization;
using Drydock.Testing.Tests.Support;

namespace Drydock.Testing.Tests;

/// <summary>The profile's limits are applied by the runtime and seen by the app inside.</summary>
[Collection(WithTestImages.Name)]
public sealed class Limits(TestImages images)
{
    [Theory]
    [InlineData("docker", 1)]
    [InlineData("docker", 2)]
    [InlineData("podman", 1)]
    [InlineData("podman", 2)]
    public async Task Cpus_SetsTheAppsProcessorCount(string engine, int cpus)
    {
        await using var image = ImageUnderTest.For(images.Options(engine, new TestProfile { Cpus = cpus }));

        await using var app = await image.StartAsync();
        var (processorCount, _) = await ReadEnvAsync(app);

        // The quota cannot give more cores than the machine has.
        Assert.Equal(Math.Min(cpus, Environment.ProcessorCount), processorCount);
    }

    [Theory]
    [MemberData(nameof(TestEngines.Both), MemberType = typeof(TestEngines))]
    public async Task Memory_LimitsTheGcHeap(string engine)
    {
        await using var image = ImageUnderTest.For(images.Options(engine, new TestProfile { Memory = "192m" }));

        await using var app = await image.StartAsync();
        var (_, available) = await ReadEnvAsync(app);

        // .NET sees the cgroup limit and takes 75 % of it as its heap hard limit by default.
        Assert.Equal(192L * 1024 * 1024 * 3 / 4, available);
        Assert.Equal("201326592 201326592", Shell.Engine(engine, "inspect", "--format", "{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}}", app.Id).StandardOutput.Trim());
    }

    [Theory]
    [MemberData(nameof(TestEngines.Both), MemberType = typeof(TestEngines))]
    public async Task PidsLimit_IsApplied(string engine)
    {
        await using var image = ImageUnderTest.For(images.Options(engine, new TestProfile { PidsLimit = 64 }));

        await using var app = await image.StartAsync();

        Assert.Equal("64", Shell.Engine(engine, "inspect", "--format", "{{.HostConfig.PidsLimit}}", app.Id).StandardOutput.Trim());
    }

    [Theory]
    [MemberData(nameof(TestEngines.Both), MemberType = typeof(TestEngines))]
    public async Task ReadOnly_RootRefusesWritesButTmpAccepts(string engine)
    {
        await using var image = ImageUnderTest.For(images.Options(engine));

        await using var app = await image.StartAsync();
        using var root = await app.Http.GetAsync(new Uri("/write?path=/probe.txt", UriKind.Relative));
        using var tmp = await app.Http.GetAsync(new Uri("/write?path=/tmp/probe.txt", UriKind.Relative));

        Assert.False(root.IsSuccessStatusCode);
        Assert.Contains("Read-only file system", await root.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(tmp.IsSuccessStatusCode, await tmp.Content.ReadAsStringAsync());
    }

    [Theory]
    [MemberData(nameof(TestEngines.Both), MemberType = typeof(TestEngines))]
    public async Task ReadOnlyFalse_RootAcceptsWrites(string engine)
    {
        await using var image = ImageUnderTest.For(images.Options(engine, new TestProfile { ReadOnly = false }));

        await using var app = await image.StartAsync();

        // The chiseled images run as user 1654, which may write its home but not /.
        using var response = await app.Http.GetAsync(new Uri("/write?path=/home/app/probe.txt", UriKind.Relative));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<(int ProcessorCount, long AvailableMemory)> ReadEnvAsync(RunningContainer app)
    {
        var parts = (await app.Http.GetStringAsync(new Uri("/env", UriKind.Relative))).Split(' ');
        return (int.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture));
    }
}
