using Drydock.Testing.Tests.Support;

namespace Drydock.Testing.Tests;

/// <summary>Memory past the limit: the kernel kills the app, and the library says so.</summary>
[Collection(WithTestImages.Name)]
public sealed class OutOfMemory(TestImages images)
{
    [Theory]
    [MemberData(nameof(TestEngines.Three), MemberType = typeof(TestEngines))]
    public async Task AllocPastTheLimit_ContainerIsOomKilled(string engine)
    {
        await using var image = ImageUnderTest.For(images.Options(engine, new TestProfile { Memory = "128m" }));
        await using var app = await image.StartAsync();

        await Assert.ThrowsAsync<HttpRequestException>(() => app.Http.GetStringAsync(new Uri("/alloc?mb=400", UriKind.Relative)));
        var state = await app.WaitForExitAsync(TimeSpan.FromSeconds(15));

        Assert.False(state.Running);
        Assert.Equal(137, state.ExitCode);
        Assert.True(state.OomKilled);
    }

    [Theory]
    [MemberData(nameof(TestEngines.Both), MemberType = typeof(TestEngines))]
    public async Task Stats_ReportPeakMemoryAndCpuTime(string engine)
    {
        await using var image = ImageUnderTest.For(images.Options(engine, new TestProfile { Memory = "256m" }));
        await using var app = await image.StartAsync();
        var before = app.Stats();

        await app.Http.GetStringAsync(new Uri("/alloc?mb=100", UriKind.Relative));
        var after = app.Stats();
        var state = await app.GetStateAsync();

        Assert.Equal("cgroup v1", after.Source);
        Assert.InRange(after.PeakMemoryBytes, before.PeakMemoryBytes + (90L << 20), 256L << 20);
        Assert.True(after.CpuTime > before.CpuTime, $"{after.CpuTime} <= {before.CpuTime}");
        Assert.True(state.Running);
        Assert.False(state.OomKilled);
    }
}
