using Drydock.Build.Diagnostics;
using Drydock.Build.Oci;
using Drydock.Build.Runtime;
using Drydock.Build.Testing;
using Drydock.Runtime;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Drydock.Build.Tasks;

/// <summary>
/// Runs every <c>ContainerTestProject</c> against the image under the test profile: for a multi-platform
/// image, once per platform to test (<see cref="ReadImage.Platforms"/> with <c>Test</c>: the host's first,
/// then the emulated ones), each against that platform's image id, with its own results folder. Failed tests do
/// not fail this task: the report is written first, then <see cref="CheckImageTests"/> fails the
/// publish. Every container the tests start is removed at the end, also when the build is cancelled,
/// the process is told to stop (SIGTERM: see <see cref="StopSignals"/>) or a test host crashes: behind the rest of the
/// publish, which the report waits for (<see cref="TestCleanUp"/>, <see cref="EndImageTests"/>), or at once when the build stops.
/// </summary>
public sealed class TestImage : DrydockTask
{
    private const string PortVariable = DrydockVariables.Port;
    private static readonly TimeSpan LateContainerWait = TimeSpan.FromSeconds(1);

    /// <summary>The <c>ContainerTestProject</c> items.</summary>
    [Required]
    public ITaskItem[] Projects { get; set; } = [];

    /// <summary>
    /// What the target's build of <see cref="Projects"/> returned (<c>Drydock.ImageTestProject.targets</c>): one item per
    /// project that built, its test assembly, with metadata <c>Project</c>, <c>RunSettings</c>, <c>SdkVersion</c>, <c>DotnetRoot</c>.
    /// </summary>
    public ITaskItem[] BuiltProjects { get; set; } = [];

    /// <summary>When the build of the test projects started (<see cref="DateTime.Ticks"/>, UTC): its time is reported.</summary>
    public long Started { get; set; }

    /// <summary>When it ended (<see cref="DateTime.Ticks"/>, UTC); 0: now.</summary>
    public long BuildEnded { get; set; }

    /// <summary>The run id <see cref="StartImageTests"/> gave the test host it started while the app compiled; empty: a new one.</summary>
    public string? RunId { get; set; }

    [Required]
    public string ImageId { get; set; } = "";

    /// <summary>The image's OCI archive (<c>DrydockImageArchive</c>, an index archive for a multi-platform image): the tested image's config (ports, environment) decides the default test port.</summary>
    [Required]
    public string Archive { get; set; } = "";

    [Required]
    public string ImageDigest { get; set; } = "";

    /// <summary>The platform of a single-platform image (<see cref="ReadImage.LoadPlatform"/>), for <c>DRYDOCK_IMAGE_PLATFORM</c>.</summary>
    public string? Platform { get; set; }

    /// <summary>For a multi-platform image, <see cref="ReadImage.Platforms"/>: those with <c>Test</c> are tested, the others said why not.</summary>
    public ITaskItem[] Platforms { get; set; } = [];

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

    /// <summary><c>DrydockTestStartAhead</c>: start the app's containers while each test host starts (<see cref="WarmStart"/>).</summary>
    public bool StartAhead { get; set; } = true;

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

    /// <summary>True when every test project ran to its end (or was found in the test cache), on every platform to test and at least one.</summary>
    [Output]
    public bool Tested { get; private set; }

    /// <summary>For a single-platform image this machine cannot run (<see cref="HostPlatforms"/>): why it was not tested.</summary>
    [Output]
    public string? Untested { get; private set; }

    /// <summary>For a multi-platform image: the platforms whose tests ran to their end, semicolon-separated.</summary>
    [Output]
    public string? TestedPlatforms { get; private set; }

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

        var built = Projects.Select(Built).ToArray();
        var buildEnded = BuildEnded > 0 ? new DateTime(BuildEnded, DateTimeKind.Utc) : DateTime.UtcNow;
        var buildSeconds = Started > 0 ? Math.Max(0, (buildEnded - new DateTime(Started, DateTimeKind.Utc)).TotalSeconds) : 0;
        log.Detail($"Drydock: built {built.Length} test project(s) in {buildSeconds:0.00} s");

        var (targets, untested) = Platforms.Length == 0
            ? TestTargets.ForImage(Platform, ImageId, ImageDigest, ResultsDirectory, HostPlatforms.Current)
            : (TestTargets.ForIndex(Platforms.Select(ToIndexPlatform), ResultsDirectory), null);
        if (untested is not null)
        {
            Log.LogMessage(MessageImportance.Normal, "Drydock: not tested: {0}. The report says tested: false.", untested);
            Untested = untested;
        }

        foreach (var skipped in Platforms.Where(p => p.GetMetadata("Test") != "true"))
        {
            Log.LogMessage(MessageImportance.Normal, "Drydock: {0} is not tested: {1}. The report says tested: false for it.", skipped.ItemSpec, skipped.GetMetadata("Note"));
        }

        ImageTestSettings.CheckProfile(Profile.Select(item => (item.ItemSpec, item.GetMetadata("Property"), item.GetMetadata("Value"))));
        var profile = ImageTestSettings.ProfileVariables(Profile.Select(item => (item.ItemSpec, item.GetMetadata("Value"))));
        if (targets.Count > 0)
        {
            var port = TestPort.Resolve(profile.GetValueOrDefault(PortVariable), OciArchive.OpenImage(Archive, targets[0].Platform).Config);
            log.Detail($"Drydock: {PortVariable}={port.Value} (from {port.Source})");
            profile[PortVariable] = port.Value;
        }

        ResolvedProfile = profile.Select(pair => (ITaskItem)new TaskItem(pair.Key, new Dictionary<string, string> { ["Value"] = pair.Value })).ToArray();

        var engine = LocalEngine.Resolve(Runtime, log, cancellationToken)!;
        var runId = string.IsNullOrEmpty(RunId) ? Guid.NewGuid().ToString("N") : RunId;
        string[] assemblies = [.. built.Select(project => project.Assembly)];
        // As the test host started while the app compiled got them, when it asked (StartImageTests): the engine is asked once.
        var services = ServiceEngine.Users(assemblies).Count > 0
            && BuildEngine4.GetRegisteredTaskObject(ServiceEngine.Key(engine.Command), RegisteredTaskObjectLifetime.Build) is IReadOnlyDictionary<string, string> asked
                ? asked
                : ServiceEngine.ForTests(engine.Command, assemblies, log, cancellationToken);
        var results = new List<TestRunResult>();
        var tested = new List<string>();
        using var signals = StopSignals.Listen(SayCancelled);
        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, signals.Token);
        // This build now waits: its JIT's catching up must not take the CPUs the tests' containers start on.
        log.Detail($"Drydock: {BackgroundCompiler.YieldToTests()} background compiler thread(s) of this build run only on idle CPUs while the tests run");
        try
        {
            foreach (var target in targets)
            {
                var settings = new ImageTestSettings
                {
                    ImageId = target.ImageId,
                    ImageDigest = target.ImageDigest,
                    Runtime = engine.Command,
                    Engine = engine.Endpoint.Uri,
                    Platform = string.IsNullOrEmpty(target.Platform) ? null : target.Platform,
                    RunId = runId,
                    Configuration = Configuration,
                    Profile = profile,
                    ResultsDirectory = target.ResultsDirectory,
                    ServiceVariables = services,
                    Timeout = timeout,
                    UseCache = UseCache,
                    WarmStart = !StartAhead ? null : WarmStart.For(engine, target.ImageId, string.IsNullOrEmpty(target.Platform) ? null : target.Platform, profile,
                        Environment.GetEnvironmentVariable, Path.Combine(CacheDirectory, "warm")),
                };
                var started = System.Diagnostics.Stopwatch.StartNew();
                var before = results.Count;
                foreach (var project in built)
                {
                    if (target == targets[0])
                    {
                        // What a run from an IDE tests: the first platform, the host's when the image has it.
                        var published = new PublishedImage(target.ImageId, target.ImageDigest, engine.Command, Revision ?? "", AppProject ?? "", Configuration, ReportPath ?? "", profile, engine.Connection);
                        PublishedImageFile.Write(project.Project, published, log);
                    }

                    // Only the host's own platform of a single-platform image had its test host started early.
                    var early = Platforms.Length == 0 && !target.Emulated ? TakeEarlyHost(project.Project) : null;
                    var result = ImageTestRunner.Run(project, settings, new TestCache(CacheDirectory), log, run.Token, early);
                    result = result.Phases is { } phases ? result with { Phases = phases with { Build = Math.Round(buildSeconds, 3) } } : result;
                    results.Add(Platforms.Length == 0 && !target.Emulated ? result : result with { Platform = target.Platform });
                }

                tested.Add(target.Platform ?? "");
                if (Platforms.Length > 0 || target.Emulated)
                {
                    Log.LogMessage(MessageImportance.High, results.Skip(before).All(r => r.Cached)
                        ? "Drydock: {0}: the tests' results of an earlier run of this image are cached ({1}); none ran"
                        : "Drydock: {0} tested {1} in {2:0.0} s", target.Platform, target.Emulated ? "under emulation" : "natively", started.Elapsed.TotalSeconds);
                }
            }
        }
        catch (OperationCanceledException) when (signals.Received is not null && !cancellationToken.IsCancellationRequested)
        {
            // Stopped by a signal: the results so far go to the gate, which fails the publish after the report.
        }
        finally
        {
            // Those not reached (an earlier project failed to run) are killed before the sweep.
            foreach (var project in built)
            {
                TakeEarlyHost(project.Project)?.Stop();
            }

            // Also after a crashed test host, a cancelled build or a stop signal: the run label finds what it left.
            var cleanUp = TestCleanUp.Start(engine, runId);
            if (run.IsCancellationRequested)
            {
                // The build ends now. A 'run' client killed mid-way may still create its container a moment later.
                cleanUp.Wait(log);
                Thread.Sleep(LateContainerWait);
                TestCleanUp.Start(engine, runId).Wait(log);
            }
            else
            {
                // Behind the attestations, the push and the tags: the report waits for it (EndImageTests).
                BuildEngine4.RegisterTaskObject(TestCleanUp.Key(AppProject ?? ""), cleanUp, RegisteredTaskObjectLifetime.Build, allowEarlyCollection: false);
            }
        }

        StoppedBy = signals.Received;
        Tested = StoppedBy is null && targets.Count > 0 && tested.Count == targets.Count;
        TestedPlatforms = Platforms.Length == 0 ? null : string.Join(";", tested);
        Results = results.Select(TestResultItems.ToItem).ToArray();
        foreach (var result in results)
        {
            Log.LogMessage(MessageImportance.High, "Drydock: {0}{1}: {2} passed, {3} failed, {4} skipped{5}",
                result.Project, result.Platform is null ? "" : $" ({result.Platform})", result.Passed, result.Failed, result.Skipped, result.Cached ? " (cached: this image already passed these tests)" : "");
        }
    }

    /// <summary>The test host <see cref="StartImageTests"/> started for <paramref name="testProject"/> in this build, now this task's; null: none.</summary>
    private EarlyTestHost? TakeEarlyHost(string testProject)
    {
        var key = EarlyTestHost.Key(AppProject ?? "", testProject);
        var host = BuildEngine4.GetRegisteredTaskObject(key, RegisteredTaskObjectLifetime.Build) as EarlyTestHost;
        BuildEngine4.UnregisterTaskObject(key, RegisteredTaskObjectLifetime.Build);
        return host;
    }

    private BuiltTestProject Built(ITaskItem project) => Built(project, BuiltProjects);

    /// <summary>The build's item (of <paramref name="builtProjects"/>) for <paramref name="project"/>; DRY5002 when it did not build (its errors are logged above).</summary>
    internal static BuiltTestProject Built(ITaskItem project, ITaskItem[] builtProjects)
    {
        var path = project.GetMetadata("FullPath");
        var item = builtProjects.FirstOrDefault(item => string.Equals(Path.GetFullPath(item.GetMetadata("Project")), path, StringComparison.Ordinal));
        if (item is null || !File.Exists(item.GetMetadata("FullPath")))
        {
            throw new DrydockException(KnownCodes.TestBuildFailed,
                $"The test project {Path.GetFileNameWithoutExtension(path)} ({path}) did not build: its errors are above. Fix it, or publish with -p:DrydockTest=false.");
        }

        var runSettings = item.GetMetadata("RunSettings") is { Length: > 0 } settings ? Path.GetFullPath(settings, Path.GetDirectoryName(path)!) : null;
        return new BuiltTestProject(path, item.GetMetadata("FullPath"), runSettings, ImageTestRunner.Tooling(item.GetMetadata("SdkVersion"), item.GetMetadata("DotnetRoot")));
    }

    private static IndexPlatform ToIndexPlatform(ITaskItem item) => new(
        item.ItemSpec, item.GetMetadata("ConfigDigest"), item.GetMetadata("ManifestDigest"),
        item.GetMetadata("Test") == "true", item.GetMetadata("Emulated") == "true", item.GetMetadata("Note"));
}
