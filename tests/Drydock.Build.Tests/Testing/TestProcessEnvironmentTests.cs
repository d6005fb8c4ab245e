using Drydock.Build.Testing;

namespace Drydock.Build.Tests.Testing;

/// <summary>What `dotnet test` and its test host get besides the image: the runtime settings of a process that lives for seconds.</summary>
public sealed class TestProcessEnvironmentTests
{
    private static readonly ImageTestSettings Settings = new()
    {
        ImageId = "sha256:" + new string('a', 64),
        ImageDigest = "sha256:" + new string('b', 64),
        Runtime = "podman",
        RunId = "run",
        Configuration = "Release",
        Profile = new Dictionary<string, string>(),
        ResultsDirectory = "/results",
        Timeout = TimeSpan.FromMinutes(1),
    };

    [Fact]
    public void Environment_UserSetNothing_MethodsStayAtTierZeroWithoutInstrumentation()
    {
        var environment = ImageTestRunner.Environment(Settings, "/results/Tests");

        Assert.Equal("65535", environment["DOTNET_TC_CallCountThreshold"]);
        Assert.Equal("0", environment["DOTNET_TieredPGO"]);
        Assert.Null(environment["MSBuildExtensionsPath"]);
    }

    [Fact]
    public void Environment_UserSetTheThreshold_TheUsersValueIsInherited()
    {
        Environment.SetEnvironmentVariable("DOTNET_TC_CallCountThreshold", "30");
        try
        {
            var environment = ImageTestRunner.Environment(Settings, "/results/Tests");

            Assert.False(environment.ContainsKey("DOTNET_TC_CallCountThreshold"));
            Assert.Equal("0", environment["DOTNET_TieredPGO"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable("DOTNET_TC_CallCountThreshold", null);
        }
    }
}
