namespace Drydock.Runtime;

/// <summary>
/// The codes raised inside image tests (band 51xx), declared once: Drydock.Testing throws them and
/// Drydock.Build's KnownCodes names them (DRY5001 quotes them). See docs/diagnostics.md.
/// </summary>
internal static class ImageTestCodes
{
    /// <summary>The container exited (crashed, OOM-killed) before it was ready.</summary>
    public const string ContainerExited = "DRY5101";

    /// <summary>The app did not become ready (listening and answering on the profile's port) within the timeout.</summary>
    public const string NotReady = "DRY5102";

    /// <summary>A DRYDOCK_* environment variable or a profile value is invalid.</summary>
    public const string InvalidSetting = "DRY5103";

    /// <summary>DRYDOCK_IMAGE is not set and no explicit options were given.</summary>
    public const string NoImage = "DRY5104";

    /// <summary>No container engine answers, or it could not create or inspect the container.</summary>
    public const string RuntimeFailed = "DRY5105";

    /// <summary>A console app or job run with RunToExitAsync outlived its timeout; it was killed and removed.</summary>
    public const string RunTimedOut = "DRY5106";

    /// <summary>The host where the engine publishes ports (DRYDOCK_TEST_HOST, TESTCONTAINERS_HOST_OVERRIDE, the engine's endpoint) does not resolve.</summary>
    public const string HostNotFound = "DRY5107";

    /// <summary>Podman is the engine and a test project uses Testcontainers, but no Docker-compatible API socket of podman's answers.</summary>
    public const string PodmanApiMissing = "DRY5108";
}
