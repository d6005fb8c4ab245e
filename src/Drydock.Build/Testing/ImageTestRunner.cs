using System.Diagnostics;
using Drydock.Build.Diagnostics;
using Drydock.Processes;
using Drydock.Runtime;

namespace Drydock.Build.Testing;

/// <summary>Where and how the test projects run: the image, the runtime, the profile, the bounds.</summary>
public sealed record ImageTestSettings
{
    /// <summary>The image id (config digest): exactly the bytes that were built, whatever tags move.</summary>
    public required string ImageId { get; init; }

    /// <summary>The manifest digest: what the cache is keyed by and the report names.</summary>
    public required string ImageDigest { get; init; }

    public required string Runtime { get; init; }

    /// <summary>
    /// Where <see cref="Runtime"/>'s engine is, as its CLI resolves it (<c>tcp://docker:2375</c>; empty: its default on this
    /// machine). Part of the test cache key: the same image on another engine is another test.
    /// </summary>
    public string Engine { get; init; } = "";

    /// <summary>The image's platform (<c>linux/arm64</c>), handed to the tests as <c>DRYDOCK_IMAGE_PLATFORM</c>; null when unknown.</summary>
    public string? Platform { get; init; }

    /// <summary>Labels every container of this publish (<see cref="RunLabels.Run"/>), so all can be removed at the end.</summary>
    public required string RunId { get; init; }

    public required string Configuration { get; init; }

    /// <summary>The profile, as the <c>DRYDOCK_TEST_*</c> variables Drydock.Testing reads.</summary>
    public required IReadOnlyDictionary<string, string> Profile { get; init; }

    public required string ResultsDirectory { get; init; }

    /// <summary>What points Testcontainers at the same engine (<see cref="ServiceEngine.Variables"/>); the user's own values are not in it.</summary>
    public IReadOnlyDictionary<string, string> ServiceVariables { get; init; } = new Dictionary<string, string>();

    public required TimeSpan Timeout { get; init; }

    public bool UseCache { get; init; } = true;

    /// <summary>The containers to start before each test host (<see cref="Testing.WarmStart"/>); null starts none.</summary>
    internal WarmStart? WarmStart { get; init; }

    /// <summary>
    /// Checks each profile value by the form Drydock.Testing reads it in (<see cref="ProfileValues"/>), before any test
    /// starts: a malformed one is the project's mistake, said once and naming its property, not each test's failure.
    /// The port is <see cref="TestPort"/>'s (DRY2010).
    /// </summary>
    /// <param name="items">Each variable, the property it comes from (<c>ContainerTestTimeout</c>), and its value.</param>
    /// <exception cref="DrydockException">DRY2026: a value is malformed.</exception>
    public static void CheckProfile(IEnumerable<(string Variable, string Property, string Value)> items)
    {
        foreach (var (variable, property, value) in items.Where(item => item.Variable != DrydockVariables.Port && item.Value.Trim().Length > 0))
        {
            if (ProfileValues.Problem(variable, value.Trim()) is { } hint)
            {
                throw new DrydockException(KnownCodes.InvalidTestProfile, $"{(property.Length > 0 ? property : variable)} is {MessageText.Quote(value.Trim())}; {hint}");
            }
        }
    }

    /// <summary>
    /// The profile's <c>DRYDOCK_TEST_*</c> variables that have a value (trimmed); a name outside
    /// <see cref="DrydockVariables.Profile"/> is a bug in the targets. <see cref="CheckProfile"/> checks the values.
    /// </summary>
    public static Dictionary<string, string> ProfileVariables(IEnumerable<(string Variable, string Value)> items) =>
        items
            .Where(item => item.Value.Trim().Length > 0)
            .ToDictionary(
                item => DrydockVariables.Profile.Contains(item.Variable)
                    ? item.Variable
                    : throw new ArgumentException($"'{item.Variable}' is no test profile variable.", nameof(items)),
                item => item.Value.Trim(),
                StringComparer.Ordinal);
}

/// <summary>
/// A test project the publish built (in its own build: the <c>DrydockTestImage</c> target), as its run reads it.
/// </summary>
/// <param name="Project">The project file, full path.</param>
/// <param name="Assembly">Its test assembly (<c>TargetPath</c>), full path.</param>
/// <param name="RunSettings">Its <c>.runsettings</c> (<c>RunSettingsFilePath</c>), full path, or null.</param>
/// <param name="Tooling">The SDK version, the installed shared frameworks and this runner's build (<see cref="ImageTestRunner.Tooling"/>).</param>
public sealed record BuiltTestProject(string Project, string Assembly, string? RunSettings, string Tooling)
{
    public string Name => Path.GetFileNameWithoutExtension(Project);
}

/// <summary>
/// Runs one built test project's assembly with <c>dotnet test</c> against the image: looks it up in the
/// test cache, runs it with the image and profile in its environment, and reads its TRX results.
/// </summary>
public static class ImageTestRunner
{
    /// <summary>How long after its own session timeout <c>dotnet test</c> may take to abort and exit.</summary>
    private static readonly TimeSpan TimeoutGrace = TimeSpan.FromMinutes(1);

    /// <summary>
    /// dotnet test, VSTest and the test host live for seconds, and their tests wait on containers: the runtime's
    /// recompiles of their hot methods (tier 1, profile-guided or not) only cost them CPU that the app's containers,
    /// starting beside them, need; measured here, half a CPU-second in a three-test run on 2 cores. So their methods
    /// stay at tier 0 unless called 65535 times (<c>TC_CallCountThreshold</c>, the runtime's largest; loops still go
    /// on-stack replaced), without profile-guided instrumentation (<c>TieredPGO</c>). docs/image-tests.md, "In the publish".
    /// </summary>
    internal static readonly IReadOnlyList<(string Variable, string Value)> ShortLivedRuntime =
        [("DOTNET_TieredPGO", "0"), ("DOTNET_TC_CallCountThreshold", "65535")];

    // The outer build's MSBuild must not leak into the inner dotnet processes.
    private static readonly string[] MSBuildVariables =
        ["MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly", "MSBUILDNOINPROCNODE"];

    /// <summary>Runs <paramref name="built"/>'s tests, or finds their passing results in <paramref name="cache"/>.</summary>
    /// <param name="early">Its run, started while the app compiled (<see cref="EarlyTestHost"/>): finished when it runs what this
    /// run would, else killed (also on a cache hit: the caller's sweep removes what it started) and the run started here.</param>
    /// <exception cref="DrydockException">DRY5003: no TRX was written; DRY5004: past <see cref="ImageTestSettings.Timeout"/>.</exception>
    public static TestRunResult Run(BuiltTestProject built, ImageTestSettings settings, TestCache cache, IBuildLog log, CancellationToken cancellationToken,
        EarlyTestHost? early = null)
    {
        ArgumentNullException.ThrowIfNull(built);
        var name = built.Name;
        var arguments = TestArguments(built, settings);
        var files = FilesDirectory(settings, name);
        var environment = Environment(settings, files);
        var key = TestCache.Key(new TestRunInputs
        {
            Environment = environment,
            CommandLine = arguments,
            OutputDirectory = Path.GetDirectoryName(built.Assembly)!,
            RunSettings = built.RunSettings,
            Tooling = built.Tooling,
            Engine = settings.Engine,
        });
        if (settings.UseCache && cache.Find(key) is { } cached)
        {
            early?.Stop();
            log.Detail($"Drydock: {name} already passed against {settings.ImageDigest} on this engine with this test output, run settings, command line, environment and tooling (test cache {key[..12]})");
            return cached;
        }

        if (early is not null && !early.Runs(built, settings, environment))
        {
            log.Detail($"Drydock: the test host of {name} started while the app compiled runs something else now; it is stopped and started again");
            early.Stop();
            early = null;
        }

        var trx = Path.Combine(settings.ResultsDirectory, name + ".trx");
        // A test host started early has its own folder ready: tests that need no image may have written there already.
        PrepareResults(name, settings, emptyFiles: early is null);

        // After the cache key: which containers were started ahead changes nothing the tests check.
        foreach (var (variable, value) in settings.WarmStart?.Begin(name, settings.RunId, log, cancellationToken) ?? [])
        {
            environment[variable] = value;
        }

        log.Detail($"Drydock: testing {settings.ImageId} with {name} (test cache {key[..12]}): {string.Join(' ', settings.Profile.Select(pair => $"{pair.Key}={pair.Value}"))}");
        ProcessResult test;
        var startedAt = DateTimeOffset.UtcNow;
        var started = Stopwatch.StartNew();
        try
        {
            // dotnet test enforces the bound itself (TestSessionTimeout), so it holds even when this
            // build is killed; this one is the backstop for a dotnet test that does not stop.
            test = early?.Finish(environment, settings.Timeout, cancellationToken)
                ?? ProcessRunner.Run("dotnet", arguments, settings.Timeout + TimeoutGrace, cancellationToken, environment: environment);
        }
        catch (TimeoutException)
        {
            throw TimedOut(name, settings);
        }
        finally
        {
            settings.WarmStart?.End(log);
        }

        if (!test.Succeeded && started.Elapsed >= settings.Timeout)
        {
            throw TimedOut(name, settings);
        }

        if (!File.Exists(trx))
        {
            throw new DrydockException(KnownCodes.TestResultsMissing,
                $"The image tests of {name} wrote no results (exit code {test.ExitCode}): the test host probably crashed. Its last output: {Tail(test.StandardOutput + test.StandardError, 10)}");
        }

        var endedAt = DateTimeOffset.UtcNow;
        // A test host started early waited for the image: its start counts from then.
        var result = TrxFile.Read(trx, name) with { Files = FilesOf(files), Phases = Phases(trx, early?.FactsWritten ?? startedAt, endedAt) };
        if (early?.FactsWritten is { } handover)
        {
            // Its own duration counts from its start, while the app still compiled: the run took this publish from the handover.
            result = result with { DurationSeconds = Math.Round((endedAt - handover).TotalSeconds, 3) };
        }

        if (!test.Succeeded && result.Succeeded)
        {
            // A run that failed without a failed test (an aborted or crashed test host, a failed
            // assembly cleanup) is no pass: the gate must not report one that a fresh run would not give.
            result = result with
            {
                Failed = 1,
                Failures = [new FailedTest("(test run)", $"dotnet test ended with exit code {test.ExitCode} though no test failed: {Tail(test.StandardOutput + test.StandardError, 5)}")],
            };
        }

        if (result.Succeeded)
        {
            cache.Remember(key, result);
        }

        log.Detail($"Drydock: {name}: {result.Passed} passed, {result.Failed} failed, {result.Skipped} skipped in {result.DurationSeconds:0.0} s ({trx})");
        return result;
    }

    /// <summary>
    /// The run's host start, tests and host end (<see cref="TestPhases"/>), from the process's start (for a test host started
    /// early: the image's handover, before which its tests waited) and end and the TRX's test stamps.
    /// </summary>
    internal static TestPhases Phases(string trx, DateTimeOffset started, DateTimeOffset ended)
    {
        var span = TrxFile.TestSpan(trx);
        var (first, last) = span ?? (ended, ended);
        // A test that began before the handover waited for it: the tests' time counts from then.
        first = first < started ? started : first;
        return new TestPhases
        {
            HostStart = Seconds(first - started),
            Tests = Seconds(last - first),
            HostEnd = Seconds(ended - last),
        };

        // The TRX's clock and this one agree to a few milliseconds: never below zero.
        static double Seconds(TimeSpan span) => Math.Round(Math.Max(0, span.TotalSeconds), 3);
    }

    /// <summary>Where a test project's run writes files for the report (full container logs): <c>&lt;results&gt;/&lt;project&gt;/</c>.</summary>
    public const string ResultsDirectoryVariable = DrydockVariables.ResultsDirectory;

    internal static string FilesDirectory(ImageTestSettings settings, string name) => Path.Combine(settings.ResultsDirectory, name);

    /// <summary>Every file under <paramref name="directory"/>, absolute, sorted.</summary>
    internal static string[] FilesOf(string directory) =>
        Directory.Exists(directory)
            ? Directory.GetFiles(directory, "*", SearchOption.AllDirectories).Select(Path.GetFullPath).Order(StringComparer.Ordinal).ToArray()
            : [];

    /// <summary>
    /// The arguments of <c>dotnet test</c> on the built assembly (VSTest's own runner: no MSBuild evaluation,
    /// no build), with the project's run settings: part of the cache key, since they decide what runs.
    /// </summary>
    internal static string[] TestArguments(BuiltTestProject built, ImageTestSettings settings) =>
        ["test", built.Assembly, "--logger", $"trx;LogFileName={built.Name}.trx", "--results-directory", settings.ResultsDirectory,
            .. built.RunSettings is { } runSettings ? (string[])["--settings", runSettings] : [],
            "--", $"RunConfiguration.TestSessionTimeout={(long)settings.Timeout.TotalMilliseconds}"];

    private static DrydockException TimedOut(string name, ImageTestSettings settings) =>
        new(KnownCodes.TestRunTimedOut,
            $"The image tests of {name} did not finish within {settings.Timeout.TotalSeconds:0} s (DrydockTestRunTimeout) and were stopped, with their containers; look for a test that waits forever, or raise the bound.");

    /// <summary>
    /// The SDK version and every installed shared framework under <paramref name="dotnetRoot"/>
    /// (<c>Microsoft.NETCore.App/10.0.1</c>: the test host rolls forward to the newest patch), and this runner's build.
    /// </summary>
    public static string Tooling(string? sdkVersion, string? dotnetRoot)
    {
        var shared = Path.Combine(dotnetRoot ?? "", "shared");
        var frameworks = dotnetRoot is { Length: > 0 } && Directory.Exists(shared)
            ? Directory.GetDirectories(shared).SelectMany(Directory.GetDirectories).Select(path => Path.GetRelativePath(shared, path).Replace('\\', '/')).Order(StringComparer.Ordinal).ToArray()
            : [];
        // The runner's own build: a Drydock that hands the tests something new runs them again.
        var runner = typeof(ImageTestRunner).Assembly.ManifestModule.ModuleVersionId;
        return $"sdk {sdkVersion}; {string.Join(", ", frameworks)}; drydock {runner}";
    }

    /// <summary>
    /// Readies <paramref name="name"/>'s results before its run: no TRX of an earlier run, and (<paramref name="emptyFiles"/>) its
    /// own folder beside the TRX emptied, so the report links only this run's files.
    /// </summary>
    private static void PrepareResults(string name, ImageTestSettings settings, bool emptyFiles)
    {
        Directory.CreateDirectory(settings.ResultsDirectory);
        File.Delete(Path.Combine(settings.ResultsDirectory, name + ".trx"));
        var files = FilesDirectory(settings, name);
        if (emptyFiles && Directory.Exists(files))
        {
            Directory.Delete(files, recursive: true);
        }

        Directory.CreateDirectory(files);
    }

    internal static Dictionary<string, string?> Environment(ImageTestSettings settings, string filesDirectory)
    {
        var environment = MSBuildVariables.ToDictionary(variable => variable, _ => (string?)null);
        foreach (var (variable, value) in ShortLivedRuntime)
        {
            // The user's own value wins.
            if (System.Environment.GetEnvironmentVariable(variable) is null)
            {
                environment[variable] = value;
            }
        }

        environment[ResultsDirectoryVariable] = filesDirectory;
        environment[DrydockVariables.Image] = settings.ImageId;
        environment[DrydockVariables.ImageDigest] = settings.ImageDigest;
        environment[DrydockVariables.Runtime] = settings.Runtime;
        // The publish loaded the image into that engine (DrydockLoadImage) before this step.
        environment[DrydockVariables.ImageLoaded] = "true";
        environment[DrydockVariables.ImagePlatform] = settings.Platform;
        environment[DrydockVariables.RunId] = settings.RunId;
        // TestImage removes the run's containers after each test host (its clean-up phase).
        environment[DrydockVariables.RunRemovedAfter] = "true";
        foreach (var (variable, value) in settings.ServiceVariables)
        {
            environment[variable] = value;
        }

        foreach (var (variable, value) in settings.Profile)
        {
            environment[variable] = value;
        }

        return environment;
    }

    private static string Tail(string text, int lines) =>
        string.Join(" | ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(lines));
}
