namespace Drydock.Testing.Tests;

/// <summary>How ImageUnderTest's parameterless constructor reads the DRYDOCK_* variables.</summary>
public sealed class EnvironmentVariables
{
    [Fact]
    public void Read_OnlyImage_UsesTheDefaultProfile()
    {
        var options = Read(("DRYDOCK_IMAGE", "shop/api:sha-1234567"));

        Assert.Equal("shop/api:sha-1234567", options.Image);
        Assert.Null(options.Runtime);
        Assert.Null(options.Platform);
        Assert.Equal(new TestProfile(), options.Profile);
        Assert.Equal(1, options.Profile.Cpus);
        Assert.Equal("256m", options.Profile.Memory);
        Assert.True(options.Profile.ReadOnly);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Profile.Timeout);
        Assert.Equal(8080, options.Profile.Port);
        Assert.StartsWith($"local-{Environment.ProcessId}-", options.RunId, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_EveryVariable_SetsTheOptions()
    {
        var options = Read(
            ("DRYDOCK_IMAGE", "sha256:abc"), ("DRYDOCK_IMAGE_DIGEST", "sha256:def"), ("DRYDOCK_IMAGE_PLATFORM", "linux/arm64/v8"), ("DRYDOCK_RUNTIME", "Docker"),
            ("DRYDOCK_RUN_ID", "run-7"), ("DRYDOCK_TEST_CPUS", "0.5"), ("DRYDOCK_TEST_MEMORY", "1g"),
            ("DRYDOCK_TEST_PIDS_LIMIT", "64"), ("DRYDOCK_TEST_READ_ONLY", "false"), ("DRYDOCK_TEST_LATENCY", "50ms+-10ms"),
            ("DRYDOCK_TEST_TIMEOUT", "1.5s"), ("DRYDOCK_TEST_PORT", "5000"), ("DRYDOCK_TEST_READY_PATH", "/health"));

        Assert.Equal("sha256:def", options.ImageDigest);
        Assert.Equal("linux/arm64/v8", options.Platform);
        Assert.Equal("docker", options.Runtime);
        Assert.Equal("run-7", options.RunId);
        Assert.Equal(new TestProfile
        {
            Cpus = 0.5, Memory = "1g", PidsLimit = 64, ReadOnly = false,
            Latency = TimeSpan.FromMilliseconds(50), Jitter = TimeSpan.FromMilliseconds(10),
            Timeout = TimeSpan.FromMilliseconds(1500), Port = 5000, ReadyPath = "/health",
        }, options.Profile);
        Assert.Equal(1L << 30, options.Profile.MemoryBytes);
    }

    [Fact]
    public void Read_PortNoneLogPatternTmpfsAndResults_SetTheProfile()
    {
        var options = Read(("DRYDOCK_IMAGE", "app"), ("DRYDOCK_TEST_PORT", "none"), ("DRYDOCK_TEST_READY_LOG_PATTERN", "^Worker running"),
            ("DRYDOCK_TEST_TMPFS", "false"), ("DRYDOCK_RESULTS_DIRECTORY", "/tmp/results/app"));

        Assert.Null(options.Profile.Port);
        Assert.Equal("^Worker running", options.Profile.ReadyLogPattern);
        Assert.False(options.Profile.Tmpfs);
        Assert.Equal("/tmp/results/app", options.ResultsDirectory);
    }

    [Theory]
    [InlineData("DRYDOCK_TEST_CPUS", "one")]
    [InlineData("DRYDOCK_TEST_CPUS", "0")]
    [InlineData("DRYDOCK_TEST_MEMORY", "256 megs")]
    [InlineData("DRYDOCK_TEST_PIDS_LIMIT", "-1")]
    [InlineData("DRYDOCK_TEST_READ_ONLY", "yes")]
    [InlineData("DRYDOCK_TEST_LATENCY", "50")]
    [InlineData("DRYDOCK_TEST_LATENCY", "10ms+-20ms")]
    [InlineData("DRYDOCK_TEST_TIMEOUT", "0")]
    [InlineData("DRYDOCK_TEST_PORT", "70000")]
    [InlineData("DRYDOCK_TEST_READY_PATH", "health")]
    [InlineData("DRYDOCK_TEST_READY_LOG_PATTERN", "Worker (running")]
    [InlineData("DRYDOCK_TEST_TMPFS", "no")]
    [InlineData("DRYDOCK_RUNTIME", "containerd")]
    [InlineData("DRYDOCK_IMAGE_PLATFORM", "arm64")]
    [InlineData("DRYDOCK_IMAGE_PLATFORM", "linux//v8")]
    public void Read_BadValue_NamesTheVariable(string name, string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Read(("DRYDOCK_IMAGE", "app"), (name, value)));

        Assert.StartsWith($"DRY5103: {name} is '", error.Message, StringComparison.Ordinal);
        Assert.Contains(value, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Read_NoImage_SaysHowToSetIt()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Read());

        Assert.StartsWith("DRY5104: DRYDOCK_IMAGE is not set", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExplicitOptions_BadProfile_ThrowsBeforeAnyContainer()
    {
        var error = Assert.Throws<ArgumentException>(() => ImageUnderTest.For(new ImageOptions { Image = "app", Profile = new TestProfile { Memory = "lots" } }));

        Assert.StartsWith("DRY5103: TestProfile.Memory is 'lots'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0", 0, 0)]
    [InlineData("50ms", 50, 0)]
    [InlineData("50ms+-10ms", 50, 10)]
    [InlineData("1s±250ms", 1000, 250)]
    public void ParseLatency_Accepts(string text, int latency, int jitter)
    {
        Assert.Equal((TimeSpan.FromMilliseconds(latency), TimeSpan.FromMilliseconds(jitter)), Drydock.Runtime.ProfileValues.Latency(text));
    }

    [Fact]
    public void ParseRuntimeStats_PodmanAndDocker()
    {
        var podman = RunningContainer.ParseRuntimeStats("""[{"id":"04bc","cpu_time":"1.5s","mem_usage":"60.5MB / 201.3MB"}]""");
        var docker = RunningContainer.ParseRuntimeStats("""{"ID":"04bc","MemUsage":"60MiB / 192MiB"}""");

        Assert.Equal(new ContainerStats(60_500_000, TimeSpan.FromSeconds(1.5), "runtime stats"), podman);
        Assert.Equal(new ContainerStats(60L << 20, null, "runtime stats"), docker);
    }

    private static ImageOptions Read(params (string Name, string Value)[] variables) =>
        Settings.Read(name => variables.FirstOrDefault(variable => variable.Name == name).Value);
}
