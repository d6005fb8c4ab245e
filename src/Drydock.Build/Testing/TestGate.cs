using Drydock.Build.Diagnostics;

namespace Drydock.Build.Testing;

/// <summary>What the gate decides on, after the tests ran or were skipped and before anything is pushed.</summary>
public sealed record TestGateInputs
{
    public required string ImageDigest { get; init; }

    /// <summary>The image id (config digest), as the engine lists the image and the tests' messages name it; null when unknown.</summary>
    public string? ImageId { get; init; }

    public IReadOnlyList<TestRunResult> Results { get; init; } = [];

    /// <summary>Every test project ran to its end (or passed before: the test cache).</summary>
    public bool Tested { get; init; }

    /// <summary>The signal that stopped the test run, or null.</summary>
    public string? StoppedBy { get; init; }

    /// <summary>How many <c>ContainerTestProject</c> items the app declares.</summary>
    public int TestProjects { get; init; }

    /// <summary><c>DrydockTest</c>.</summary>
    public bool TestsEnabled { get; init; } = true;

    /// <summary><c>registry/repository</c> the image is about to be pushed to; null when it stays local.</summary>
    public string? PushTarget { get; init; }

    /// <summary><c>DrydockRequireImageTests</c>.</summary>
    public bool RequireTests { get; init; }

    /// <summary>The build treats DRY5050 as an error (<c>TreatWarningsAsErrors</c>, <c>WarningsAsErrors</c>): an untested push stops here.</summary>
    public bool UntestedPushIsError { get; init; }

    /// <summary>
    /// A multi-platform image's platforms that were not tested, with why (no binfmt_misc handler,
    /// <c>DrydockTestPlatforms=host</c>); <see cref="Tested"/> then speaks of the others.
    /// </summary>
    public IReadOnlyList<(string Platform, string Why)> UntestedPlatforms { get; init; } = [];

    /// <summary>Why the tests did not run though they were to (a single-platform image this machine cannot run); null for the usual reasons.</summary>
    public string? UntestedWhy { get; init; }
}

/// <summary>
/// The gate between the image tests and the push: a stopped run (DRY5007), a failed test (DRY5001)
/// or, with <c>DrydockRequireImageTests</c>, an untested image (DRY5008) stops the publish; an
/// untested image that is pushed is said so (DRY5050). A multi-platform image counts as tested when every
/// platform this machine runs (and <c>DrydockTestPlatforms</c> chose) passed; with
/// <c>DrydockRequireImageTests</c>, every platform of the index must have been tested (DRY5008 names the others).
/// </summary>
public static class TestGate
{
    private const string Docs = "docs/image-tests.md";

    /// <exception cref="DrydockException">DRY5007, DRY5001 or DRY5008: nothing may be pushed.</exception>
    public static void Check(TestGateInputs inputs, IBuildLog log)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(log);
        if (inputs.StoppedBy is { Length: > 0 } signal)
        {
            throw new DrydockException(KnownCodes.TestsCancelled,
                $"The image tests of {inputs.ImageDigest} were stopped by {MessageText.Quote(signal)} before they finished ({inputs.Results.Count} test project(s) done); their processes and containers are gone, the report says cancelled: true, and nothing is pushed. Publish again to test the image.");
        }

        var failed = inputs.Results.Where(result => !result.Succeeded).ToArray();
        if (failed.Length > 0)
        {
            throw new DrydockException(KnownCodes.TestsFailed, FailureMessage(failed, inputs.ImageDigest, inputs.ImageId));
        }

        if (inputs.Tested)
        {
            if (inputs.RequireTests && inputs.UntestedPlatforms.Count > 0)
            {
                throw new DrydockException(KnownCodes.TestsRequired,
                    $"The image {inputs.ImageDigest} passed its tests, but DrydockRequireImageTests=true requires every platform of the index to be tested, and {string.Join("; ", inputs.UntestedPlatforms.Select(p => $"{p.Platform} was not ({p.Why})"))}; nothing is pushed. " +
                    $"Register qemu-user-static so the platform runs here under emulation (see {Docs}, \"Other platforms\"), set DrydockTestPlatforms=all, or drop the platform from ContainerRuntimeIdentifiers.");
            }

            return;
        }

        var why = inputs.TestProjects == 0 ? "the project declares no ContainerTestProject"
            : !inputs.TestsEnabled ? "DrydockTest=false"
            : inputs.UntestedWhy
              ?? (inputs.UntestedPlatforms.Count > 0 ? $"no platform of the index was tested: {string.Join("; ", inputs.UntestedPlatforms.Select(p => $"{p.Platform}: {p.Why}"))}" : "its tests did not run");
        // What to do about it: tests there are but were switched off, or none to run.
        var fix = inputs.TestProjects > 0 && !inputs.TestsEnabled
            ? "Publish without DrydockTest=false to run the project's image tests"
            : $"Add a ContainerTestProject item with tests of the image (see {Docs})";
        if (inputs.RequireTests)
        {
            throw new DrydockException(KnownCodes.TestsRequired,
                $"The image {inputs.ImageDigest} was not tested ({why}) and DrydockRequireImageTests=true, so nothing is pushed. {fix}.");
        }

        if (inputs.PushTarget is { } target)
        {
            // MSBuild logs it as an error under TreatWarningsAsErrors, and the push never starts: say that, not "is pushed".
            log.Warning(KnownCodes.UntestedPush, inputs.UntestedPushIsError
                ? $"The image {inputs.ImageDigest} was not tested ({why}), and this build treats DRY5050 as an error, so nothing is pushed to {MessageText.Escape(target)}. {fix}; or, for an app with no image tests on purpose, add DRY5050 to WarningsNotAsErrors (pushed untested, with a warning) or NoWarn."
                : $"The image {inputs.ImageDigest} is pushed to {MessageText.Escape(target)} untested: {why}. {fix}, so that what is pushed is what passed its tests; the report says tested: false and no test-result attestation is attached. DrydockRequireImageTests=true makes this an error.");
        }
    }

    internal static string FailureMessage(IEnumerable<TestRunResult> failed, string imageDigest, string? imageId = null)
    {
        // The tests and the engine know the image by its id (docker/podman images: its first 12 hex digits), the registry by its digest.
        var id = imageId is { Length: > 19 } && imageId.StartsWith("sha256:", StringComparison.Ordinal) ? $" (image id {imageId[7..19]}, as the engine lists it and the tests name it)" : "";
        var projects = failed.Select(result =>
            $"{result.Project}{(result.Platform is null ? "" : $" ({result.Platform})")}: {result.Failed} failed ({string.Join("; ", result.Failures.Take(5).Select(test => $"{test.Name}: {test.Message.Replace("\n", " | ", StringComparison.Ordinal)}"))}); results in {result.Trx}{(result.Files.Count > 0 ? $"; files: {string.Join(", ", result.Files.Take(5))}" : "")}.");
        return $"The image {imageDigest}{id} failed its tests, so nothing is pushed, and the app's tags stay where they were. {string.Join(" ", projects)}";
    }
}
