using Drydock.Build.Testing;

namespace Drydock.Build.Tests.Testing;

/// <summary>The targets name the ContainerTest* properties; the variables Drydock.Testing reads come from one list.</summary>
public sealed class ProfileVariablesTests
{
    [Fact]
    public void ProfileVariables_SetProperties_TheirVariablesTrimmed()
    {
        var variables = ImageTestSettings.ProfileVariables(
        [
            ("ContainerTestCpus", "0.5"), ("ContainerTestMemory", " 192m "), ("ContainerTestPidsLimit", ""),
            ("ContainerTestReadOnly", "false"), ("ContainerTestLatency", "50ms"), ("ContainerTestTimeout", "10s"),
            ("ContainerTestPort", "5000"), ("ContainerTestReadyPath", "/health"),
        ]);

        Assert.Equal(new Dictionary<string, string>
        {
            ["DRYDOCK_TEST_CPUS"] = "0.5", ["DRYDOCK_TEST_MEMORY"] = "192m", ["DRYDOCK_TEST_READ_ONLY"] = "false",
            ["DRYDOCK_TEST_LATENCY"] = "50ms", ["DRYDOCK_TEST_TIMEOUT"] = "10s", ["DRYDOCK_TEST_PORT"] = "5000",
            ["DRYDOCK_TEST_READY_PATH"] = "/health",
        }, variables);
    }

    [Fact]
    public void ProfileVariables_UnknownProperty_Throws() =>
        Assert.Throws<ArgumentException>(() => ImageTestSettings.ProfileVariables([("ContainerTestGpus", "1")]));
}
