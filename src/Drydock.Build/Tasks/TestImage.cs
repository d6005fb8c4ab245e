using Drydock.Build.Diagnostics;
using Drydock.Build.Runtime;
using Drydock.Build.Testing;
using Drydock.Runtime;
using Microsoft.Build.Framework;

namespace Drydock.Build.Tasks;

/// <summary>
/// Runs every <c>ContainerTestProject</c> against the image under the test profile. Failed tests do
/// not fail this task: the report is written first, then <see cref="CheckImageTests"/> fails the
/// publish. Every container the tests start is removed at the end, also when the build is cancelled
/// or a test host crashes.
/// </summary>
public sealed class TestImage : DrydockTask
{
    [Required]
    public ITaskItem[] Projects { get; set; } = [];

    [Required]
    public string ImageId { get; set; } = "";

    [Required]
    public string ImageDigest { get; set; } = "";

    /// <summary>The runtime the image was loaded into: podman or docker.</summary>
    public string? Runtime { get; set; }

    [Required]
    public string Configuration { get; set; } = "";

    /// <summary>The profile: items named after the <c>ContainerTest*</c> properties, metadata <c>Value</c>; empty values are left out.</summary>
    public ITaskItem[] Profile { get; set; } = [];

    [Required]
    public string ResultsDirectory { get; set; } = "";

    [Required]
    public string CacheDirectory { get; set; } = "";

    public bool UseCache { get; set; } = true;

    /// <summary><c>DrydockTestRunTimeout</c>: minutes, or <c>90s</c> / <c>30m</c>.</summary>
    public string? Timeout { get; set; }

    /// <summary>One item per project: passed, failed, skipped, duration, trx, cached as metadata.</summary>
    [Output]
    public ITaskItem[] Results { get; private set; } = [];

    protected override void Execute(IBuildLog log, CancellationToken cancellationToken)
    {
        var timeout = RunTimeout.Parse(Timeout);
        if (string.IsNullOrEmpty(Runtime))
        {
            throw new DrydockException(KnownCodes.TestNeedsRuntime,
                "ContainerTestProject items are declared but the image was not loaded into podman or docker: install one, or publish with -p:DrydockTest=false.");
        }

        var engine = LocalEngine.Resolve(Runtime, log, cancellationToken)!;
        Sweep(() => engine.RemoveDeadRunsAsync(cancellationToken), log);
        var settings = new ImageTestSettings
        {
            ImageId = ImageId,
            ImageDigest = ImageDigest,
            Runtime = engine.Command,
            RunId = Guid.NewGuid().ToString("N"),
            Configuration = Configuration,
            Profile = ImageTestSettings.ProfileVariables(Profile.Select(item => (item.ItemSpec, item.GetMetadata("Value")))),
            ResultsDirectory = ResultsDirectory,
            Timeout = timeout,
            UseCache = UseCache,
        };

        var results = new List<TestRunResult>();
        try
        {
            foreach (var project in Projects)
            {
                results.Add(ImageTestRunner.Run(project.GetMetadata("FullPath"), settings, new TestCache(CacheDirectory), log, cancellationToken));
            }
        }
        finally
        {
            // Also after a crashed test host or a cancelled build: the run label finds what it left.
            Sweep(() => engine.RemoveRunAsync(settings.RunId, CancellationToken.None), log, $" left by run {settings.RunId}");
        }

        Results = results.Select(TestResultItems.ToItem).ToArray();
        foreach (var result in results)
        {
            Log.LogMessage(MessageImportance.High, "Drydock: {0}: {1} passed, {2} failed, {3} skipped{4}",
                result.Project, result.Passed, result.Failed, result.Skipped, result.Cached ? " (cached: this image already passed these tests)" : "");
        }
    }

    /// <summary>A failed sweep is logged, never fatal: the tests' own result is what the publish reports.</summary>
    private static void Sweep(Func<Task<int>> remove, IBuildLog log, string what = " of ended test hosts")
    {
        try
        {
            log.Detail($"Drydock: removed {remove().GetAwaiter().GetResult()} container(s){what}");
        }
        catch (ContainerEngineException e)
        {
            log.Detail($"Drydock: could not remove containers{what}: {e.Message}");
        }
    }
}
