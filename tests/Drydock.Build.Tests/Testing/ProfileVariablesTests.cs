using System.Text.RegularExpressions;
using Drydock.Build.Testing;
using Drydock.Build.Tests.Support;
using Drydock.Runtime;

namespace Drydock.Build.Tests.Testing;

/// <summary>The profile's variable names are one list (src/Shared/Runtime/DrydockVariables.cs) that the targets follow.</summary>
public sealed partial class ProfileVariablesTests
{
    [Fact]
    public void ProfileVariables_SetValues_Trimmed_EmptyOnesLeftOut()
    {
        var variables = ImageTestSettings.ProfileVariables(
        [
            ("DRYDOCK_TEST_CPUS", "0.5"), ("DRYDOCK_TEST_MEMORY", " 192m "), ("DRYDOCK_TEST_PIDS_LIMIT", ""),
            ("DRYDOCK_TEST_READY_PATH", "/health"),
        ]);

        Assert.Equal(new Dictionary<string, string>
        {
            ["DRYDOCK_TEST_CPUS"] = "0.5", ["DRYDOCK_TEST_MEMORY"] = "192m", ["DRYDOCK_TEST_READY_PATH"] = "/health",
        }, variables);
    }

    [Fact]
    public void ProfileVariables_UnknownVariable_Throws() =>
        Assert.Throws<ArgumentException>(() => ImageTestSettings.ProfileVariables([("DRYDOCK_TEST_GPUS", "1")]));

    [Theory]
    [InlineData("DRYDOCK_TEST_TIMEOUT", "ContainerTestTimeout", "60", "a duration greater than 0")]
    [InlineData("DRYDOCK_TEST_MEMORY", "ContainerTestMemory", "lots", "set ")]
    [InlineData("DRYDOCK_TEST_MEMORY", "ContainerTestMemory", "256", "a bare number is bytes")]
    [InlineData("DRYDOCK_TEST_CPUS", "ContainerTestCpus", "0", "a number of cores")]
    [InlineData("DRYDOCK_TEST_READ_ONLY", "ContainerTestReadOnly", "yes", "true or false")]
    [InlineData("DRYDOCK_TEST_LATENCY", "ContainerTestLatency", "10ms+-20ms", "jitter at most the latency")]
    [InlineData("DRYDOCK_TEST_READY_PATH", "ContainerTestReadyPath", "health", "an absolute HTTP path")]
    [InlineData("DRYDOCK_TEST_READY_LOG_PATTERN", "DrydockTestReadyLogPattern", "started(", "regular expression")]
    public void CheckProfile_MalformedValue_IsDry2026NamingTheProperty(string variable, string property, string value, string hint)
    {
        var error = Assert.Throws<Drydock.Build.Diagnostics.DrydockException>(() =>
            ImageTestSettings.CheckProfile([("DRYDOCK_TEST_CPUS", "ContainerTestCpus", "1"), (variable, property, $" {value} ")]));

        Assert.Equal("DRY2026", error.Code);
        Assert.StartsWith($"{property} is '{value}'; ", error.Message, StringComparison.Ordinal);
        Assert.Contains(hint, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckProfile_WellFormedOrEmptyValues_AndThePortLeftToTestPort_Pass()
    {
        var error = Record.Exception(() => ImageTestSettings.CheckProfile(
        [
            ("DRYDOCK_TEST_CPUS", "ContainerTestCpus", "0.5"), ("DRYDOCK_TEST_MEMORY", "ContainerTestMemory", "256m"),
            ("DRYDOCK_TEST_PIDS_LIMIT", "ContainerTestPidsLimit", ""), ("DRYDOCK_TEST_READ_ONLY", "ContainerTestReadOnly", "True"),
            ("DRYDOCK_TEST_LATENCY", "ContainerTestLatency", "50ms+-10ms"), ("DRYDOCK_TEST_TIMEOUT", "ContainerTestTimeout", "30s"),
            ("DRYDOCK_TEST_PORT", "ContainerTestPort", "not a port"), ("DRYDOCK_TEST_TMPFS", "DrydockTestTmpfs", "false"),
        ]));

        Assert.Null(error);
    }

    [Fact]
    public void Targets_NameEveryProfileVariableAndNoOther()
    {
        var targets = RepositoryFile.Read("sdk", "Drydock.Sdk", "build", "Drydock.Sdk.targets");

        var items = ProfileItem().Matches(targets).Select(match => match.Groups[1].Value).ToHashSet();

        Assert.Equal(DrydockVariables.Profile.Order(), items.Order());
    }

    [GeneratedRegex("<_DrydockTestProfile Include=\"([A-Z_]+)\"")]
    private static partial Regex ProfileItem();
}
