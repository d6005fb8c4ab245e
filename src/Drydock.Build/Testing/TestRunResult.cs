namespace Drydock.Build.Testing;

/// <summary>What one test project's run against the image gave, as its TRX file records it.</summary>
public sealed record TestRunResult
{
    public required string Project { get; init; }

    /// <summary>For a multi-platform image: the platform these results are of (<c>linux/arm64</c>); null for a single-platform image.</summary>
    public string? Platform { get; init; }

    public required int Passed { get; init; }

    public required int Failed { get; init; }

    public required int Skipped { get; init; }

    public required double DurationSeconds { get; init; }

    /// <summary>Failed tests: name and the start of the message.</summary>
    public IReadOnlyList<FailedTest> Failures { get; init; } = [];

    public string? Trx { get; init; }

    /// <summary>
    /// Absolute paths of the files the run left in its own folder beside the TRX
    /// (<c>DRYDOCK_RESULTS_DIRECTORY</c>: full container logs, dumps), sorted; the report links them.
    /// </summary>
    public IReadOnlyList<string> Files { get; init; } = [];

    /// <summary>Where this run's time went; null for cached results.</summary>
    public TestPhases? Phases { get; init; }

    /// <summary>True when these results come from the test cache (same image, same test assemblies, same profile).</summary>
    public bool Cached { get; init; }

    public bool Succeeded => Failed == 0;
}

public sealed record FailedTest(string Name, string Message);

/// <summary>
/// Where a test project's run spent its time, in seconds of wall clock on this machine: the report's
/// <c>tests[].phases</c> and the <c>-v:n</c> log. The TRX's own timestamps split the <c>dotnet test</c> process.
/// </summary>
public sealed record TestPhases
{
    /// <summary>The test step's start until its first run: restore and build of every test project, in the publish's build.</summary>
    public double Build { get; init; }

    /// <summary><c>dotnet test</c>'s start until the first test started: VSTest, the test host, discovery, fixtures created first.</summary>
    public double HostStart { get; init; }

    /// <summary>The first test's start until the last test's end: the app's containers, their readiness, the tests' own work.</summary>
    public double Tests { get; init; }

    /// <summary>The last test's end until <c>dotnet test</c> exited: fixtures' disposal (containers, services), the test host's exit.</summary>
    public double HostEnd { get; init; }

    /// <summary>The sweep of the run's containers and networks after every project ran (the same for each project of a run).</summary>
    public double CleanUp { get; init; }

    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"build {Build:0.00} s, host start {HostStart:0.00} s, tests {Tests:0.00} s, host end {HostEnd:0.00} s, clean-up {CleanUp:0.00} s");
}
