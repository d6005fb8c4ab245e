using Drydock.Build.Testing;
using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Testing;

public sealed class TestCacheTests
{
    private static readonly Dictionary<string, string?> Environment = new()
    {
        ["DRYDOCK_IMAGE"] = "sha256:c1",
        ["DRYDOCK_IMAGE_DIGEST"] = "sha256:1",
        ["DRYDOCK_RUNTIME"] = "podman",
        ["DRYDOCK_RUN_ID"] = "run-1",
        ["DRYDOCK_TEST_CPUS"] = "1",
        ["DRYDOCK_TEST_MEMORY"] = "256m",
    };

    [Fact]
    public void Key_ChangesWithImageRuntimeProfileAndAssemblies_NotWithOrderOrRunId()
    {
        using var temp = new TempDirectory();
        temp.Write("Tests.dll", "assembly one");
        temp.Write("Drydock.Testing.dll", "library");
        var inputs = Inputs(temp.Path);
        var key = TestCache.Key(inputs);

        Assert.Equal(key, TestCache.Key(inputs with { Environment = new Dictionary<string, string?>(Environment.Reverse()) }));
        Assert.Equal(key, TestCache.Key(With(inputs, "DRYDOCK_RUN_ID", "another-publish")));
        Assert.Equal(key, TestCache.Key(With(inputs, "MSBuildSDKsPath", null)));
        Assert.NotEqual(key, TestCache.Key(With(inputs, "DRYDOCK_IMAGE_DIGEST", "sha256:2")));
        Assert.NotEqual(key, TestCache.Key(With(inputs, "DRYDOCK_IMAGE", "sha256:c2")));
        Assert.NotEqual(key, TestCache.Key(With(inputs, "DRYDOCK_RUNTIME", "docker")));
        Assert.NotEqual(key, TestCache.Key(With(inputs, "DRYDOCK_TEST_MEMORY", "128m")));
        // The same image and tests on another engine (a remote one, reached through DOCKER_HOST) are another test.
        Assert.NotEqual(key, TestCache.Key(inputs with { Engine = "tcp://10.0.0.2:2375" }));
        File.WriteAllText(temp.File("Tests.dll"), "assembly two");
        Assert.NotEqual(key, TestCache.Key(inputs));
    }

    [Fact]
    public void Key_ChangesWithAnyFileOfTheOutputFolder_ByContentNotTime()
    {
        using var temp = new TempDirectory();
        temp.Write("Tests.dll", "assembly");
        Directory.CreateDirectory(temp.File("data"));
        var data = temp.Write("data/expected.txt", "2 passed");
        var inputs = Inputs(temp.Path);
        var key = TestCache.Key(inputs);

        File.SetLastWriteTimeUtc(data, DateTime.UtcNow.AddHours(1));
        Assert.Equal(key, TestCache.Key(inputs));

        File.WriteAllText(data, "3 passed");
        var changed = TestCache.Key(inputs);
        Assert.NotEqual(key, changed);

        temp.Write("data/new.json", "{}");
        Assert.NotEqual(changed, TestCache.Key(inputs));
    }

    [Fact]
    public void Key_ChangesWithRunSettingsCommandLineAndTooling()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.File("bin"));
        temp.Write("bin/Tests.dll", "assembly");
        var settings = temp.Write("test.runsettings", "<RunSettings />");
        var inputs = Inputs(temp.File("bin")) with { RunSettings = settings };
        var key = TestCache.Key(inputs);

        Assert.NotEqual(key, TestCache.Key(inputs with { RunSettings = null }));
        Assert.NotEqual(key, TestCache.Key(inputs with { CommandLine = [.. inputs.CommandLine, "--filter", "Category=Fast"] }));
        Assert.NotEqual(key, TestCache.Key(inputs with { Tooling = "sdk 10.0.402; Microsoft.NETCore.App/10.0.2" }));
        File.WriteAllText(settings, "<RunSettings><RunConfiguration /></RunSettings>");
        Assert.NotEqual(key, TestCache.Key(inputs));
    }

    private static TestRunInputs Inputs(string outputDirectory) => new()
    {
        Environment = Environment,
        OutputDirectory = outputDirectory,
        CommandLine = ["test", "Shop.ImageTests.csproj", "--no-build"],
        Tooling = "sdk 10.0.401; Microsoft.NETCore.App/10.0.1",
    };

    private static TestRunInputs With(TestRunInputs inputs, string variable, string? value) =>
        inputs with { Environment = new Dictionary<string, string?>(inputs.Environment) { [variable] = value } };

    [Fact]
    public void Find_AfterRemember_SameResultMarkedCached()
    {
        using var temp = new TempDirectory();
        var cache = new TestCache(temp.File("cache"));
        var result = new TestRunResult
        {
            Project = "Shop.ImageTests", Passed = 3, Failed = 0, Skipped = 1, DurationSeconds = 4.5, Trx = "/x.trx",
            Phases = new TestPhases { HostStart = 1, Tests = 3, HostEnd = 0.5 },
        };

        Assert.Null(cache.Find("abc"));
        cache.Remember("abc", result);
        var found = cache.Find("abc");

        // The earlier run's phases are not this publish's time: a cached result has none.
        Assert.Equal(result with { Cached = true, Phases = null }, found! with { Failures = result.Failures, Files = result.Files });
        Assert.True(found.Cached);
    }
}
