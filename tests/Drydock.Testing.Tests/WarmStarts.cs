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
        // As the publish hands it over: what the engine says of it first, then its id.
        var pid = Shell.Engine(engine, ["inspect", "--format", "{{.State.Pid}}", warm]).StandardOutput.Trim();
        var port = Shell.Engine(engine, ["port", warm, $"{options.Profile.Port}/tcp"]).StandardOutput.Trim().Split('\n')[0].Split(':')[^1];
        File.WriteAllText(WarmContainerFacts.FileOf(temp.File("offer")), $"{warm} {pid} {port}\n");
        File.WriteAllLines(temp.File("offer"), [Key(engine, options), warm, DrydockVariables.WarmContainersEnd]);
        using var offer = new WarmContainers.Offer(temp.File("offer"), temp.File("starts"), TimeSpan.FromSeconds(30));
        await using var image = ImageUnderTest.For(options with { WarmContainers = () => offer });

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
    public async Task TakeAsync_WaitsForTheContainerThePublishStillCreates_OtherKeysDoNot()
    {
        using var temp = new TempFolder();
        var file = temp.File("offer");
        File.WriteAllText(file, "0123456789abcdef\n");
        using var offer = new WarmContainers.Offer(file, temp.File("starts"), TimeSpan.FromSeconds(30));

        var taking = offer.TakeAsync("0123456789abcdef", CancellationToken.None);
        await Task.Delay(50);
        var other = await offer.TakeAsync("fedcba9876543210", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(taking.IsCompleted);
        // What the publish's inspect said comes before the id: the test asks the engine nothing.
        File.WriteAllText(WarmContainerFacts.FileOf(file), "id-1 4242 38123\n");
        File.AppendAllText(file, "id-1\nid-");
        var first = await taking;
        Assert.Equal("id-1", first?.Id);
        Assert.Equal((4242, 38123, true), (first?.Facts?.Pid, first?.Facts?.HostPort, first?.Facts?.Running));
        var second = offer.TakeAsync("0123456789abcdef", CancellationToken.None);
        await Task.Delay(50);
        Assert.False(second.IsCompleted); // "id-" is no line yet
        File.AppendAllText(file, "2\n.\n");

        Assert.Null(other);
        var taken = await second;
        Assert.Equal("id-2", taken?.Id);
        Assert.Null(taken?.Facts); // none written: the test inspects it itself
        Assert.Null(await offer.TakeAsync("0123456789abcdef", CancellationToken.None)); // the publish made no more
        Assert.Equal("3", File.ReadAllText(temp.File("starts")));
        using var never = new WarmContainers.Offer(temp.File("never"), null, TimeSpan.FromMilliseconds(50));
        Assert.Null(await never.TakeAsync("0123456789abcdef", CancellationToken.None));
        Assert.Null(WarmContainers.Read(_ => null, TimeSpan.FromSeconds(30)));
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
