using Drydock.Runtime;
using Drydock.Testing.Tests.Support;

namespace Drydock.Testing.Tests;

/// <summary>
/// The containers a publish starts while the test host starts (Drydock.Build's WarmStart): a start takes one
/// only when it would have started exactly that container, counts itself for the next publish, and still waits
/// for the app; the publish computes the key from the profile's variables as this library does from its profile.
/// </summary>
[Collection(WithTestImages.Name)]
public sealed class WarmStarts(TestImages images)
{
    public static TheoryData<string[]> Profiles =>
    [
        [],
        ["DRYDOCK_TEST_CPUS=0.5", "DRYDOCK_TEST_MEMORY=1g"],
        ["DRYDOCK_TEST_PIDS_LIMIT=64", "DRYDOCK_TEST_READ_ONLY=false", "DRYDOCK_TEST_PORT=8081"],
        ["DRYDOCK_TEST_TMPFS=false", "DRYDOCK_TEST_MEMORY=200MB", "DRYDOCK_TEST_PORT=none"],
    ];

    [Theory]
    [MemberData(nameof(Profiles))]
    public void ContainerLimits_FromTheProfilesVariables_AreTheLimitsTheTestsStartWith(string[] variables)
    {
        var values = variables.Select(variable => variable.Split('=', 2)).ToDictionary(pair => pair[0], pair => pair[1]);
        string? Get(string name) => name == DrydockVariables.Image ? "shop/api:dev" : values.GetValueOrDefault(name);
        var profile = Settings.Read(Get, AppContext.BaseDirectory).Profile;

        var publishes = ContainerLimits.FromVariables(Get);

        Assert.Equal(new ContainerLimits(profile.Cpus, profile.MemoryBytes, profile.PidsLimit, profile.ReadOnly, profile.Tmpfs, profile.Port), publishes);
    }

    [Theory]
    [MemberData(nameof(TestEngines.Both), MemberType = typeof(TestEngines))]
    public async Task StartAsync_TakesTheWarmContainerOfItsKey_OthersStartTheirOwn(string engine)
    {
        using var temp = new TempFolder();
        var options = images.Options(engine, new TestProfile { ReadyPath = "/" });
        var warm = StartAhead(engine, options);
        var offer = new WarmContainers.Offer(Key(engine, options), [warm], temp.File("starts"));
        await using var image = ImageUnderTest.For(options with { WarmContainers = () => Task.FromResult<WarmContainers.Offer?>(offer) });

        await using var withOverrides = await image.StartAsync(o => o.Environment["GREETING"] = "own");
        await using var taken = await image.StartAsync();
        await using var fresh = await image.StartAsync();

        Assert.Equal(warm, taken.Id);
        Assert.Equal("ok", await taken.Http.GetStringAsync(new Uri("/", UriKind.Relative)));
        Assert.NotEqual(warm, withOverrides.Id);
        Assert.NotEqual(warm, fresh.Id);
        // Two starts had the key (one found none left): the next publish starts two ahead.
        Assert.Equal("2", File.ReadAllText(temp.File("starts")));
    }

    [Fact]
    public async Task ReadAsync_WaitsForThePublishsFile_AndNoFileWithinTheBoundIsNoOffer()
    {
        using var temp = new TempFolder();
        var file = temp.File("offer");
        string? Environment(string name) => name == DrydockVariables.WarmContainers ? file : null;

        var reading = WarmContainers.ReadAsync(Environment, TimeSpan.FromSeconds(30));
        await Task.Delay(50);
        File.WriteAllLines(file, ["0123456789abcdef", "id-1", "id-2"]);
        var offer = await reading;

        Assert.NotNull(offer);
        Assert.Null(offer.Take("fedcba9876543210"));
        Assert.Equal("id-1", offer.Take("0123456789abcdef"));
        Assert.Equal("id-2", offer.Take("0123456789abcdef"));
        Assert.Null(offer.Take("0123456789abcdef"));
        Assert.Null(await WarmContainers.ReadAsync(Environment2(temp.File("never")), TimeSpan.FromMilliseconds(50)));
        Assert.Null(await WarmContainers.ReadAsync(_ => null, TimeSpan.FromSeconds(30)));

        static Func<string, string?> Environment2(string path) => name => name == DrydockVariables.WarmContainers ? path : null;
    }

    /// <summary>The key of a start with <paramref name="options"/>' profile and no overrides, on this machine's loopback.</summary>
    private static string Key(string engine, ImageOptions options) =>
        ContainerLimits.StartKey(TestEngines.Cli(engine), options.Image, Limits(options).Arguments(TestEngines.Cli(engine), null, publish: true, publishOnLoopback: true));

    private static ContainerLimits Limits(ImageOptions options) =>
        new(options.Profile.Cpus, options.Profile.MemoryBytes, options.Profile.PidsLimit, options.Profile.ReadOnly, options.Profile.Tmpfs, options.Profile.Port);

    /// <summary>A container started as the publish starts one ahead: the run's labels, the profile's limits.</summary>
    private static string StartAhead(string engine, ImageOptions options)
    {
        var run = Shell.Engine(engine, [
            "run", "--detach", .. RunLabels.Arguments(options.RunId),
            .. Limits(options).Arguments(TestEngines.Cli(engine), null, publish: true, publishOnLoopback: true), options.Image]);
        Assert.True(run.Succeeded, run.StandardError);
        return run.StandardOutput.Trim();
    }

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("drydock-warm-").FullName;

        public string File(string name) => System.IO.Path.Combine(Path, name);

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
