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

    /// <summary>Labels every container of this publish (<see cref="RunLabels.Run"/>), so all can be removed at the end.</summary>
    public required string RunId { get; init; }

    public required string Configuration { get; init; }

    /// <summary>The profile, as the <c>DRYDOCK_TEST_*</c> variables Drydock.Testing reads.</summary>
    public required IReadOnlyDictionary<string, string> Profile { get; init; }

    public required string ResultsDirectory { get; init; }

    public required TimeSpan Timeout { get; init; }

    public bool UseCache { get; init; } = true;

    /// <summary>
    /// The <c>DRYDOCK_TEST_*</c> variables of the profile properties that are set (<c>ContainerTestCpus</c>
    /// → <c>DRYDOCK_TEST_CPUS</c>); Drydock.Testing validates their values.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ProfileVariables(IEnumerable<(string Property, string Value)> properties) =>
        properties
            .Where(property => property.Value.Trim().Length > 0)
            .ToDictionary(
                property => DrydockVariables.ProfileByProperty.TryGetValue(property.Property, out var variable)
                    ? variable
                    : throw new ArgumentException($"'{property.Property}' is no test profile property.", nameof(properties)),
                property => property.Value.Trim(),
                StringComparer.Ordinal);
}

/// <summary>
/// Runs one test project with <c>dotnet test</c> against the image: builds it, looks it up in the
/// test cache, runs it with the image and profile in its environment, and reads its TRX results.
/// </summary>
public static class ImageTestRunner
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(10);

    // The outer build's MSBuild must not leak into the inner dotnet processes.
    private static readonly string[] MSBuildVariables =
        ["MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly", "MSBUILDNOINPROCNODE"];

    public static TestRunResult Run(string project, ImageTestSettings settings, TestCache cache, IBuildLog log, CancellationToken cancellationToken)
    {
        var name = Path.GetFileNameWithoutExtension(project);
        var assemblies = Build(project, name, settings, cancellationToken);
        var key = TestCache.Key(settings.ImageDigest, assemblies, settings.Profile);
        if (settings.UseCache && cache.Find(key) is { } cached)
        {
            log.Detail($"Drydock: {name} already passed against {settings.ImageDigest} with these tests and this profile (test cache {key[..12]})");
            return cached;
        }

        Directory.CreateDirectory(settings.ResultsDirectory);
        var trx = Path.Combine(settings.ResultsDirectory, name + ".trx");
        File.Delete(trx);
        var environment = Environment(settings);
        log.Detail($"Drydock: testing {settings.ImageId} with {name}: {string.Join(' ', settings.Profile.Select(pair => $"{pair.Key}={pair.Value}"))}");
        ProcessResult test;
        try
        {
            test = ProcessRunner.Run(
                "dotnet",
                ["test", project, "--no-build", "-c", settings.Configuration, "-nologo", "--logger", $"trx;LogFileName={name}.trx", "--results-directory", settings.ResultsDirectory],
                settings.Timeout,
                cancellationToken,
                environment: environment);
        }
        catch (TimeoutException)
        {
            throw new DrydockException(KnownCodes.TestRunTimedOut,
                $"The image tests of {name} did not finish within {settings.Timeout.TotalSeconds:0} s (DrydockTestRunTimeout) and were stopped, with their containers; look for a test that waits forever, or raise the bound.");
        }

        if (!File.Exists(trx))
        {
            throw new DrydockException(KnownCodes.TestResultsMissing,
                $"The image tests of {name} wrote no results (exit code {test.ExitCode}): the test host probably crashed. Its last output: {Tail(test.StandardOutput + test.StandardError, 10)}");
        }

        var result = TrxFile.Read(trx, name);
        if (result.Succeeded && test.Succeeded)
        {
            cache.Remember(key, result);
        }

        log.Detail($"Drydock: {name}: {result.Passed} passed, {result.Failed} failed, {result.Skipped} skipped in {result.DurationSeconds:0.0} s ({trx})");
        return result;
    }

    /// <summary>Builds the test project; returns its output assemblies, which key the test cache.</summary>
    private static string[] Build(string project, string name, ImageTestSettings settings, CancellationToken cancellationToken)
    {
        var build = ProcessRunner.Run(
            "dotnet",
            ["build", project, "-c", settings.Configuration, "-nologo", "-v:q", "-t:Build", "-getProperty:TargetPath"],
            BuildTimeout,
            cancellationToken,
            environment: MSBuildVariables.ToDictionary(variable => variable, _ => (string?)null));
        var targetPath = build.StandardOutput.Trim();
        if (!build.Succeeded || !File.Exists(targetPath))
        {
            throw new DrydockException(KnownCodes.TestBuildFailed,
                $"The test project {name} ({project}) did not build: {Tail(build.StandardOutput + build.StandardError, 5)} Fix it, or publish with -p:DrydockTest=false.");
        }

        return Directory.GetFiles(Path.GetDirectoryName(targetPath)!, "*.dll");
    }

    private static Dictionary<string, string?> Environment(ImageTestSettings settings)
    {
        var environment = MSBuildVariables.ToDictionary(variable => variable, _ => (string?)null);
        environment[DrydockVariables.Image] = settings.ImageId;
        environment[DrydockVariables.ImageDigest] = settings.ImageDigest;
        environment[DrydockVariables.Runtime] = settings.Runtime;
        environment[DrydockVariables.RunId] = settings.RunId;
        foreach (var (variable, value) in settings.Profile)
        {
            environment[variable] = value;
        }

        return environment;
    }

    private static string Tail(string text, int lines) =>
        string.Join(" | ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(lines));
}
