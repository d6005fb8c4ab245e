using Drydock.Build.Diagnostics;
using Drydock.Build.Testing;
using Microsoft.Build.Framework;

namespace Drydock.Build.Tasks;

/// <summary>The gate: fails the publish, naming every failed test, when the image failed its tests.</summary>
public sealed class CheckImageTests : DrydockTask
{
    public ITaskItem[] Results { get; set; } = [];

    [Required]
    public string ImageDigest { get; set; } = "";

    /// <summary>The signal that stopped the test run, when one did (<see cref="TestImage.StoppedBy"/>).</summary>
    public string? StoppedBy { get; set; }

    protected override void Execute(IBuildLog log, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(StoppedBy))
        {
            throw new DrydockException(KnownCodes.TestsCancelled,
                $"The image tests of {ImageDigest} were stopped by {StoppedBy} before they finished ({Results.Length} test project(s) done); their processes and containers are gone, the report says cancelled: true, and nothing is pushed. Publish again to test the image.");
        }

        var failed = Results.Select(TestResultItems.FromItem).Where(result => !result.Succeeded).ToArray();
        if (failed.Length > 0)
        {
            throw new DrydockException(KnownCodes.TestsFailed, FailureMessage(failed, ImageDigest));
        }
    }

    internal static string FailureMessage(IEnumerable<TestRunResult> failed, string imageDigest)
    {
        var projects = failed.Select(result =>
            $"{result.Project}: {result.Failed} failed ({string.Join("; ", result.Failures.Take(5).Select(test => $"{test.Name}: {test.Message.Replace("\n", " | ", StringComparison.Ordinal)}"))}); results in {result.Trx}.");
        return $"The image {imageDigest} failed its tests, so nothing is pushed. {string.Join(" ", projects)}";
    }
}
