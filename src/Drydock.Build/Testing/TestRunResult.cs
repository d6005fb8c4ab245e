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

    /// <summary>True when these results come from the test cache (same image, same test assemblies, same profile).</summary>
    public bool Cached { get; init; }

    public bool Succeeded => Failed == 0;
}

public sealed record FailedTest(string Name, string Message);
