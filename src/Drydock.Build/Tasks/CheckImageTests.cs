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

    protected override void Execute(IBuildLog log, CancellationToken cancellationToken)
    {
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
