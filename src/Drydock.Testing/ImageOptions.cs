namespace Drydock.Testing;

/// <summary>Which image to test, with which runtime and profile.</summary>
public sealed record ImageOptions
{
    /// <summary>The run id of this process when <c>DRYDOCK_RUN_ID</c> is not set: one per test host.</summary>
    internal static readonly string ProcessRunId = $"local-{Environment.ProcessId}-{Guid.NewGuid():N}"[..24];

    /// <summary>An image reference (<c>shop/api:sha-1234567</c>) or image id, as the runtime knows it.</summary>
    public required string Image { get; init; }

    /// <summary>The digest the publish built (informational: for messages and reports).</summary>
    public string? ImageDigest { get; init; }

    /// <summary><c>docker</c> or <c>podman</c>; null detects one as the SDK does (docker if an engine answers, else podman).</summary>
    public string? Runtime { get; init; }

    /// <summary>The value of the <c>io.drydock.run</c> label on every container, for <see cref="ContainerSweeper.Sweep"/>.</summary>
    public string RunId { get; init; } = ProcessRunId;

    public TestProfile Profile { get; init; } = new();

    /// <summary>
    /// Reads <c>DRYDOCK_IMAGE</c> (required), <c>DRYDOCK_IMAGE_DIGEST</c>, <c>DRYDOCK_RUNTIME</c>,
    /// <c>DRYDOCK_RUN_ID</c> and the profile's <c>DRYDOCK_TEST_*</c> variables.
    /// </summary>
    /// <exception cref="InvalidOperationException">DRYDOCK_IMAGE is missing or a variable has a bad value; the message names it.</exception>
    public static ImageOptions FromEnvironment() => Settings.Read(Environment.GetEnvironmentVariable);
}
