using System.Globalization;
using System.Text.Json;
using Drydock.Build.Testing;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Drydock.Build.Tasks;

/// <summary>Test results as MSBuild items, between <see cref="TestImage"/>, the report and the gate.</summary>
internal static class TestResultItems
{
    public static ITaskItem ToItem(TestRunResult result) =>
        new TaskItem(result.Project, new Dictionary<string, string>
        {
            ["Result"] = JsonSerializer.Serialize(result),
            ["Failed"] = result.Failed.ToString(CultureInfo.InvariantCulture),
        });

    public static TestRunResult FromItem(ITaskItem item) =>
        JsonSerializer.Deserialize<TestRunResult>(item.GetMetadata("Result"))!;
}
