using System.Text.RegularExpressions;
using Drydock.Build.Testing;
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

    [Fact]
    public void Targets_NameEveryProfileVariableAndNoOther()
    {
        var targets = File.ReadAllText(Path.Combine(RepositoryRoot(), "sdk", "Drydock.Sdk", "build", "Drydock.Sdk.targets"));

        var items = ProfileItem().Matches(targets).Select(match => match.Groups[1].Value).ToHashSet();

        Assert.Equal(DrydockVariables.Profile.Order(), items.Order());
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Sdk.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Sdk.sln above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex("<_DrydockTestProfile Include=\"([A-Z_]+)\"")]
    private static partial Regex ProfileItem();
}
