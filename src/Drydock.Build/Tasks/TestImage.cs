using Drydock.Build.Diagnostics;
using Drydock.Build.Oci;
using Drydock.Build.Runtime;
using Drydock.Build.Testing;
using Drydock.Runtime;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Drydock.Build.Tasks;

/// <summary>
/// Runs every <c>ContainerTestProject</c> against the image under the test profile. Failed tests do
/// not fail this task: the report is written first, then <see cref="CheckImageTests"/> fails the
/// publish. Every container the tests start is removed at the end, also when the build is cancelled,
/// the process is told to stop (SIGTERM: see <see cref="StopSignals"/>) or a test host crashes.
/// </summary>
public sealed class TestImage : DrydockTask
{
    private const string PortVariable = DrydockVariables.Port;
    private static readonly TimeSpan LateContainerWait = TimeSpan.FromSeconds(1);

    [Required]
    public ITaskItem[] Projects { get; set; } = [];

    [Required]
    public string ImageId { get; set; } = "";

    /// <summary>The image's OCI archive (<c>DrydockImageArchive</c>): its config's ports and environment decide the default test port.</summary>
    [Required]
    public string Archive { get; set; } = "";

    /// <summary>For an index archive, the platform under test (<c>os/architecture[/variant]</c>): its config is the one read.</summary>
    public string? Platform { get; set; }

    [Required]
    public string ImageDigest { get; set; } = "";

    /// <summary>The engine the image was loaded into: docker or podman.</summary>
    public string? Runtime { get; set; }

    [Required]
    public string Configuration { get; set; } = "";

    /// <summary>The profile: items named after the <c>DRYDOCK_TEST_*</c> variables, metadata <c>Value</c>; empty values are left out.</summary>
    public ITaskItem[] Profile { get; set; } = [];

    [Required]
    public string ResultsDirectory { get; set; } = "";

    [Required]
    public string CacheDirectory { get; set; } = "";

    public bool UseCache { get; set; } = true;

    /// <summary>The app project (full path): named in each test project's <c>obj/drydock-image.json</c>, for runs from an IDE.</summary>
    public string? AppProject { get; set; }

    /// <summary>The git commit the image was built from.</summary>
    public string? Revision { get; set; }

    /// <summary>The publish's <c>drydock.json</c>.</summary>
    public string? ReportPath { get; set; }

    /// <summary><c>DrydockTestRunTimeout</c>: minutes, or <c>90s</c> / <c>30m</c>.</summary>
    public string? Timeout { get; set; }

    /// <summary>The profile as the tests got it: <see cref="Profile"/> with <c>DRYDOCK_TEST_PORT</c> resolved (<see cref="TestPort"/>).</summary>
    [Output]
    public ITaskItem[] ResolvedProfile { get; private set; } = [];

    /// <summary>True when every test project ran to its end (or was found in the test cache).</summary>
    [Output]
    public bool Tested { get; private set; }

    /// <summary>The signal that stopped the run (<c>SIGTERM</c>, <c>SIGINT</c>), or empty; <see cref="CheckImageTests"/> fails the publish then.</summary>
    [Output]
    public string? StoppedBy { get; private set; }

    /// <summary>One item per project: passed, failed, skipped, duration, trx, cached as metadata.</summary>
    [Output]
    public ITaskItem[] Results { get; private set; } = [];

    protected override void Execute(IBuildLog log, CancellationToken cancellationToken)
    {
        var timeout = RunTimeout.Parse(Timeout);
        if (string.IsNullOrEmpty(Runtime))
        {
            throw new DrydockException(KnownCodes.TestNeedsRuntime,
                "ContainerTestProject items are declared but the image was not loaded into docker or podman: install or start one, or publish with -p:DrydockTest=false.");
        }

        var profile = ImageTestSettings.ProfileVariables(Profile.Select(item => (item.ItemSpec, item.GetMetadata("Value"))));
        var port = TestPort.Resolve(profile.GetValueOrDefault(PortVariable), OciArchive.OpenImage(Archive, Platform).Config);
        log.Detail($"Drydock: {PortVariable}={port.Value} (from {port.Source})");
        profile[PortVariable] = port.Value;
        ResolvedProfile = profile.Select(pair => (ITaskItem)new TaskItem(pair.Key, new Dictionary<string, string> { ["Value"] = pair.Value })).ToArray();

        var engine = LocalEngine.Resolve(Runtime, log, cancellationToken)!;
        Sweep(() => engine.RemoveDeadRunsAsync(cancellationToken), log);
        var settings = new ImageTestSettings
        {
            ImageId = ImageId,
            ImageDigest = ImageDigest,
            Runtime = engine.Command,
            RunId = Guid.NewGuid().ToString("N"),
            Configuration = Configuration,
            Profile = profile,
            ResultsDirectory = ResultsDirectory,
            ServiceVariables = ServiceEngine.Variables(engine.Command, Environment.GetEnvironmentVariable, log, cancellationToken),
            Timeout = timeout,
            UseCache = UseCache,
        };

        var results = new List<TestRunResult>();
        using var signals = StopSignals.Listen();
        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, signals.Token);
        try
        {
            var published = new PublishedImage(ImageId, ImageDigest, engine.Command, Revision ?? "", AppProject ?? "", Configuration, ReportPath ?? "", profile);
            foreach (var project in Projects)
            {
                PublishedImageFile.Write(project.GetMetadata("FullPath"), published, log);
                results.Add(ImageTestRunner.Run(project.GetMetadata("FullPath"), settings, new TestCache(CacheDirectory), log, run.Token));
            }
        }
        catch (OperationCanceledException) when (signals.Received is not null && !cancellationToken.IsCancellationRequested)
        {
            // Stopped by a signal: the results so far go to the gate, which fails the publish after the report.
        }
        finally
        {
            // Also after a crashed test host, a cancelled build or a stop signal: the run label finds what it left.
            Sweep(() => engine.RemoveRunAsync(settings.RunId, CancellationToken.None), log, $" left by run {settings.RunId}");
            if (run.IsCancellationRequested)
            {
                // A 'run' client killed mid-way may still create its container a moment later.
                Thread.Sleep(LateContainerWait);
                Sweep(() => engine.RemoveRunAsync(settings.RunId, CancellationToken.None), log, $" created late by run {settings.RunId}");
            }
        }

        StoppedBy = signals.Received;
        Tested = StoppedBy is null;
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
