using System.Diagnostics;
using System.Text.Json;
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
/// Runs one test project with <c>dotnet test</c> against the image: builds it, looks it up in the
/// test cache, runs it with the image and profile in its environment, and reads its TRX results.
/// </summary>
public static class ImageTestRunner
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(10);

    /// <summary>How long after its own session timeout <c>dotnet test</c> may take to abort and exit.</summary>
    private static readonly TimeSpan TimeoutGrace = TimeSpan.FromMinutes(1);

    // The outer build's MSBuild must not leak into the inner dotnet processes.
    private static readonly string[] MSBuildVariables =
        ["MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly", "MSBUILDNOINPROCNODE"];

    public static TestRunResult Run(string project, ImageTestSettings settings, TestCache cache, IBuildLog log, CancellationToken cancellationToken)
    {
        var name = Path.GetFileNameWithoutExtension(project);
        var built = Build(project, name, settings, cancellationToken);
        var arguments = TestArguments(project, name, settings);
        var files = FilesDirectory(settings, name);
        var environment = Environment(settings, files);
        var key = TestCache.Key(new TestRunInputs
        {
            Environment = environment,
            CommandLine = arguments,
            OutputDirectory = built.OutputDirectory,
            RunSettings = built.RunSettings,
            Tooling = built.Tooling,
        });
        if (settings.UseCache && cache.Find(key) is { } cached)
        {
            log.Detail($"Drydock: {name} already passed against {settings.ImageDigest} with this test output, run settings, command line, environment and tooling (test cache {key[..12]})");
            return cached;
        }

        Directory.CreateDirectory(settings.ResultsDirectory);
        var trx = Path.Combine(settings.ResultsDirectory, name + ".trx");
        File.Delete(trx);
        // The project's own folder beside its TRX, emptied so the report links only this run's files.
        if (Directory.Exists(files))
        {
            Directory.Delete(files, recursive: true);
        }

        Directory.CreateDirectory(files);
        log.Detail($"Drydock: testing {settings.ImageId} with {name} (test cache {key[..12]}): {string.Join(' ', settings.Profile.Select(pair => $"{pair.Key}={pair.Value}"))}");
        ProcessResult test;
        var started = Stopwatch.StartNew();
        try
        {
            // dotnet test enforces the bound itself (TestSessionTimeout), so it holds even when this
            // build is killed; this one is the backstop for a dotnet test that does not stop.
            test = ProcessRunner.Run("dotnet", arguments, settings.Timeout + TimeoutGrace, cancellationToken, environment: environment);
        }
        catch (TimeoutException)
        {
            throw TimedOut(name, settings);
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

        var result = TrxFile.Read(trx, name) with { Files = FilesOf(files) };
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

    /// <summary>Where a test project's run writes files for the report (full container logs): <c>&lt;results&gt;/&lt;project&gt;/</c>.</summary>
    public const string ResultsDirectoryVariable = DrydockVariables.ResultsDirectory;

    internal static string FilesDirectory(ImageTestSettings settings, string name) => Path.Combine(settings.ResultsDirectory, name);

    /// <summary>Every file under <paramref name="directory"/>, absolute, sorted.</summary>
    internal static string[] FilesOf(string directory) =>
        Directory.Exists(directory)
            ? Directory.GetFiles(directory, "*", SearchOption.AllDirectories).Select(Path.GetFullPath).Order(StringComparer.Ordinal).ToArray()
            : [];

    /// <summary>The arguments of <c>dotnet test</c>: part of the cache key, since they decide what runs.</summary>
    internal static string[] TestArguments(string project, string name, ImageTestSettings settings) =>
        ["test", project, "--no-build", "-c", settings.Configuration, "-nologo", "--logger", $"trx;LogFileName={name}.trx", "--results-directory", settings.ResultsDirectory,
            "--", $"RunConfiguration.TestSessionTimeout={(long)settings.Timeout.TotalMilliseconds}"];

    private static DrydockException TimedOut(string name, ImageTestSettings settings) =>
        new(KnownCodes.TestRunTimedOut,
            $"The image tests of {name} did not finish within {settings.Timeout.TotalSeconds:0} s (DrydockTestRunTimeout) and were stopped, with their containers; look for a test that waits forever, or raise the bound.");

    /// <summary>A built test project: what of it the test run reads.</summary>
    private sealed record BuiltTestProject(string OutputDirectory, string? RunSettings, string Tooling);

    /// <summary>Builds the test project; returns where its output is, its run settings and the tooling that runs it.</summary>
    private static BuiltTestProject Build(string project, string name, ImageTestSettings settings, CancellationToken cancellationToken)
    {
        var build = ProcessRunner.Run(
            "dotnet",
            ["build", project, "-c", settings.Configuration, "-nologo", "-v:q", "-t:Build",
                "-getProperty:TargetPath", "-getProperty:RunSettingsFilePath", "-getProperty:NETCoreSdkVersion", "-getProperty:NetCoreRoot"],
            BuildTimeout,
            cancellationToken,
            environment: MSBuildVariables.ToDictionary(variable => variable, _ => (string?)null));
        var properties = build.Succeeded ? Properties(build.StandardOutput) : null;
        var targetPath = properties?.GetValueOrDefault("TargetPath") ?? "";
        if (properties is null || !File.Exists(targetPath))
        {
            throw new DrydockException(KnownCodes.TestBuildFailed,
                $"The test project {name} ({project}) did not build: {Tail(build.StandardOutput + build.StandardError, 5)} Fix it, or publish with -p:DrydockTest=false.");
        }

        var runSettings = properties.GetValueOrDefault("RunSettingsFilePath") is { Length: > 0 } path
            ? Path.GetFullPath(path, Path.GetDirectoryName(Path.GetFullPath(project))!)
            : null;
        return new BuiltTestProject(Path.GetDirectoryName(targetPath)!, runSettings, Tooling(properties));
    }

    /// <summary>The output of <c>-getProperty</c> with several names: <c>{"Properties": {"Name": "value", …}}</c>.</summary>
    private static Dictionary<string, string>? Properties(string output)
    {
        var start = output.IndexOf('{', StringComparison.Ordinal);
        try
        {
            return start < 0 ? null : JsonSerializer.Deserialize<PropertiesOutput>(output[start..])?.Properties;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record PropertiesOutput(Dictionary<string, string> Properties);

    /// <summary>The SDK version and every installed shared framework (<c>Microsoft.NETCore.App/10.0.1</c>): the test host rolls forward to the newest patch.</summary>
    private static string Tooling(Dictionary<string, string> properties)
    {
        var shared = Path.Combine(properties.GetValueOrDefault("NetCoreRoot") ?? "", "shared");
        var frameworks = Directory.Exists(shared)
            ? Directory.GetDirectories(shared).SelectMany(Directory.GetDirectories).Select(path => Path.GetRelativePath(shared, path).Replace('\\', '/')).Order(StringComparer.Ordinal).ToArray()
            : [];
        // The runner's own build: a Drydock that hands the tests something new runs them again.
        var runner = typeof(ImageTestRunner).Assembly.ManifestModule.ModuleVersionId;
        return $"sdk {properties.GetValueOrDefault("NETCoreSdkVersion")}; {string.Join(", ", frameworks)}; drydock {runner}";
    }

    private static Dictionary<string, string?> Environment(ImageTestSettings settings, string filesDirectory)
    {
        var environment = MSBuildVariables.ToDictionary(variable => variable, _ => (string?)null);
        environment[ResultsDirectoryVariable] = filesDirectory;
        environment[DrydockVariables.Image] = settings.ImageId;
        environment[DrydockVariables.ImageDigest] = settings.ImageDigest;
        environment[DrydockVariables.Runtime] = settings.Runtime;
        environment[DrydockVariables.ImagePlatform] = settings.Platform;
        environment[DrydockVariables.RunId] = settings.RunId;
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
