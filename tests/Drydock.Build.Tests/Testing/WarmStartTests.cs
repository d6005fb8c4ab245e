using Drydock.Build.Testing;
using Drydock.Build.Tests.Support;
using Drydock.Runtime;

namespace Drydock.Build.Tests.Testing;

/// <summary>
/// Against the machine's real podman (eng/setup.sh) and the offline redis image in the loopback registry: the
/// containers a publish starts while the test host starts, and the file that hands them over. Drydock.Testing's
/// <c>WarmStarts</c> tests prove the test host takes them by the same key.
/// </summary>
public sealed class WarmStartTests
{
    private static readonly Dictionary<string, string> Profile = new(StringComparer.Ordinal) { [DrydockVariables.Port] = "6379" };

    [Theory]
    [InlineData(DrydockVariables.Host, "10.0.0.5")]
    [InlineData(DrydockVariables.TestcontainersHostOverride, "docker")]
    [InlineData("DOCKER_HOST", "tcp://10.231.0.2:2375")]
    public void For_TheTestsReachTheAppElsewhere_None(string variable, string value)
    {
        string? Environment(string name) => name == variable ? value : null;
        var engine = ContainerEngine.Named("docker", null, Environment);

        Assert.Null(WarmStart.For(engine, "shop/api:dev", null, Profile, Environment, "/tmp/unused"));
        Assert.Null(WarmStart.For(ContainerEngine.Named("podman", null, _ => null), "shop/api:dev", null,
            new Dictionary<string, string> { [DrydockVariables.Port] = "none" }, _ => null, "/tmp/unused"));
        Assert.NotNull(WarmStart.For(ContainerEngine.Named("podman", null, _ => null), "shop/api:dev", null, Profile, _ => null, "/tmp/unused"));
    }

    [Fact]
    public void Begin_StartsAsManyAsTheLastRunStarted_AndHandsThemOverInAFile()
    {
        using var temp = new TempDirectory();
        var image = Podman.Redis;
        Podman.PullRedis();
        var runId = "warm-" + Guid.NewGuid().ToString("N")[..12];
        var engine = ContainerEngine.Named("podman", null, Environment.GetEnvironmentVariable);
        var warm = WarmStart.For(engine, image, null, Profile, _ => null, temp.File("warm"))!;
        Directory.CreateDirectory(temp.File("warm"));
        File.WriteAllText(temp.File(Path.Combine("warm", "Shop.ImageTests.warm")), "2");
        var log = new ListBuildLog();
        try
        {
            var variables = warm.Begin("Shop.ImageTests", runId, log, CancellationToken.None);
            // As a test host that ran its tests: End stops further starts, so wait until the offer has ended.
            var offer = variables[DrydockVariables.WarmContainers];
            for (var waited = 0; waited < 600 && !File.ReadAllText(offer).EndsWith(DrydockVariables.WarmContainersEnd + "\n", StringComparison.Ordinal); waited++)
            {
                Thread.Sleep(100);
            }

            warm.End(log);

            var handedOver = File.ReadAllLines(variables[DrydockVariables.WarmContainers]);
            Assert.Equal(warm.Key, handedOver[0]);
            Assert.Equal(DrydockVariables.WarmContainersEnd, handedOver[^1]);
            Assert.Equal(2, handedOver.Length - 2);
            Assert.Equal(handedOver[1..^1].Order(), Podman.ContainersOfRun(runId).Order());
            // Each with what the engine said of it: its process and published port, which the test host need not ask for.
            var facts = File.ReadAllLines(WarmContainerFacts.FileOf(offer));
            Assert.All(handedOver[1..^1], id =>
            {
                var inspected = WarmContainerFacts.Find(facts, id);
                Assert.Equal(Podman.Run("inspect", "--format", "{{.State.Pid}}", id).StandardOutput.Trim(), inspected?.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
                Assert.EndsWith($":{inspected?.HostPort}", Podman.Run("port", id, "6379/tcp").StandardOutput.Trim().Split('\n')[0], StringComparison.Ordinal);
            });
            // The test host counts afresh.
            Assert.Equal("0", File.ReadAllText(variables[DrydockVariables.WarmStarts]));
            Assert.Contains(log.Details, line => line.Contains("starting 2 container(s)", StringComparison.Ordinal) && line.Contains("its last run started 2", StringComparison.Ordinal));
            var limits = Podman.Run("inspect", "--format", "{{.HostConfig.NanoCpus}} {{.HostConfig.Memory}} {{.HostConfig.ReadonlyRootfs}}", handedOver[1]).StandardOutput.Trim();
            Assert.Equal("1000000000 268435456 true", limits);
        }
        finally
        {
            Podman.Run(["rm", "--force", .. Podman.ContainersOfRun(runId)]);
        }
    }
}
