using Drydock.Build.Diagnostics;
using Drydock.Build.Testing;
using Microsoft.Build.Framework;

namespace Drydock.Build.Tasks;

/// <summary>
/// Ends the test step before the report: waits for the removal of the run's containers and networks that
/// <see cref="TestImage"/> left running behind the attestations, the push and the tags (<see cref="TestCleanUp"/>), and
/// puts its time into each run's phases as the clean-up. Without one (no tests ran, or a stopped build removed them at once)
/// the results pass through unchanged.
/// </summary>
public sealed class EndImageTests : DrydockTask
{
    /// <summary>The app project (full path), as <see cref="TestImage.AppProject"/>: the key the removal is registered under.</summary>
    public string? AppProject { get; set; }

    /// <summary><see cref="TestImage.Results"/>.</summary>
    public ITaskItem[] Results { get; set; } = [];

    /// <summary><see cref="Results"/> with the clean-up's seconds in each run's phases.</summary>
    [Output]
    public ITaskItem[] EndedResults { get; private set; } = [];

    protected override void Execute(IBuildLog log, CancellationToken cancellationToken)
    {
        var key = TestCleanUp.Key(AppProject ?? "");
        var cleanUp = BuildEngine4.GetRegisteredTaskObject(key, RegisteredTaskObjectLifetime.Build) as TestCleanUp;
        BuildEngine4.UnregisterTaskObject(key, RegisteredTaskObjectLifetime.Build);
        using (cleanUp)
        {
            var seconds = cleanUp?.Wait(log);
            var results = Results.Select(TestResultItems.FromItem)
                .Select(result => seconds is { } cleaned && result.Phases is { } phases ? result with { Phases = phases with { CleanUp = cleaned } } : result)
                .ToList();
            EndedResults = results.Select(TestResultItems.ToItem).ToArray();
            foreach (var result in results.Where(result => result.Phases is not null))
            {
                Log.LogMessage(MessageImportance.Normal, "Drydock: {0}: {1}", result.Project, result.Phases);
            }
        }
    }
}
