namespace Drydock.Runtime;

/// <summary>
/// The environment variables a publish hands its image tests (linked source: Drydock.Build writes them,
/// Drydock.Testing reads them; users set them in an IDE). docs/image-tests.md lists them.
/// </summary>
internal static class DrydockVariables
{
    /// <summary>The image to test: a reference or an image id (the publish passes the config digest).</summary>
    public const string Image = "DRYDOCK_IMAGE";

    /// <summary>The manifest digest the publish built; informational.</summary>
    public const string ImageDigest = "DRYDOCK_IMAGE_DIGEST";

    /// <summary>The image's platform, <c>os/architecture[/variant]</c> (<c>linux/arm64</c>): the engine starts it for that platform, under emulation when it is not the host's.</summary>
    public const string ImagePlatform = "DRYDOCK_IMAGE_PLATFORM";

    /// <summary><c>docker</c> or <c>podman</c>: the engine the image was loaded into.</summary>
    public const string Runtime = "DRYDOCK_RUNTIME";

    /// <summary>
    /// <c>true</c> when the publish loaded <see cref="Image"/> into <see cref="Runtime"/> just before the tests: that engine
    /// answers, so a test host uses it without asking (<c>version</c>) again.
    /// </summary>
    public const string ImageLoaded = "DRYDOCK_IMAGE_LOADED";

    /// <summary>The <see cref="RunLabels.Run"/> value for every container of the run.</summary>
    public const string RunId = "DRYDOCK_RUN_ID";

    /// <summary>
    /// <c>true</c> when the publish removes every container of <see cref="RunId"/> once the test host has ended: a container
    /// of that run a test disposes is then only killed (SIGKILL) and left for that removal, so neither the next test nor the
    /// test host's end waits for the engine's cleanup.
    /// </summary>
    public const string RunRemovedAfter = "DRYDOCK_RUN_REMOVED_AFTER";

    /// <summary>
    /// A file the publish writes once its image is built and loaded, for a test host it started while the app compiled:
    /// <c>NAME=VALUE</c> lines of the variables that name the image (<see cref="Image"/>, <see cref="Runtime"/>,
    /// <see cref="Port"/>…), laid over the test host's environment before the first image test reads it.
    /// </summary>
    public const string ImageFacts = "DRYDOCK_IMAGE_FACTS";

    /// <summary>
    /// The process id of the build that writes <see cref="ImageFacts"/>: a test host waiting for them, or running its tests after
    /// them, stops when it is gone (nobody is left to read its results, nor to remove its containers).
    /// </summary>
    public const string ImageFactsWriter = "DRYDOCK_IMAGE_FACTS_WRITER";

    /// <summary>In <see cref="ImageFacts"/>: when the run must have ended (ISO 8601, UTC), <c>DrydockTestRunTimeout</c> after the handover.</summary>
    public const string RunDeadline = "DRYDOCK_RUN_DEADLINE";

    /// <summary>A folder for the files a test run leaves beside its TRX (full container logs, dumps); the report links them.</summary>
    public const string ResultsDirectory = "DRYDOCK_RESULTS_DIRECTORY";

    /// <summary>
    /// Containers the publish starts while the test host starts, for the tests to take instead of starting their own:
    /// a file with the start key (<see cref="ContainerLimits.StartKey"/>) on its first line, then each container's id as
    /// the engine created it, then <see cref="WarmContainersEnd"/>.
    /// </summary>
    public const string WarmContainers = "DRYDOCK_WARM_CONTAINERS";

    /// <summary>The last line of <see cref="WarmContainers"/>: no more containers will come.</summary>
    public const string WarmContainersEnd = ".";

    /// <summary>A file the test host writes the number of its starts with that key into: how many to start warm next time.</summary>
    public const string WarmStarts = "DRYDOCK_WARM_STARTS";

    public const string Cpus = "DRYDOCK_TEST_CPUS";
    public const string Memory = "DRYDOCK_TEST_MEMORY";
    public const string PidsLimit = "DRYDOCK_TEST_PIDS_LIMIT";
    public const string ReadOnly = "DRYDOCK_TEST_READ_ONLY";
    public const string Latency = "DRYDOCK_TEST_LATENCY";
    public const string Timeout = "DRYDOCK_TEST_TIMEOUT";
    public const string Port = "DRYDOCK_TEST_PORT";
    public const string ReadyPath = "DRYDOCK_TEST_READY_PATH";
    public const string ReadyLogPattern = "DRYDOCK_TEST_READY_LOG_PATTERN";
    public const string Tmpfs = "DRYDOCK_TEST_TMPFS";

    /// <summary>
    /// The host (name or address) where the engine's published ports answer, when only the user knows it (NAT,
    /// a proxy, a job container beside the engine): <c>DrydockTestHost</c>. Else <c>TESTCONTAINERS_HOST_OVERRIDE</c>,
    /// else the engine's own host (<see cref="EngineEndpoint.Host"/>), else this machine's loopback.
    /// </summary>
    public const string Host = "DRYDOCK_TEST_HOST";

    /// <summary>Testcontainers' own override of the same, honoured when <see cref="Host"/> is not set.</summary>
    public const string TestcontainersHostOverride = "TESTCONTAINERS_HOST_OVERRIDE";

    /// <summary>The test profile's variables, one per <c>ContainerTest*</c> or <c>DrydockTest*</c> profile property (the targets name their items after them).</summary>
    public static readonly IReadOnlySet<string> Profile = new HashSet<string>(StringComparer.Ordinal)
    {
        Cpus, Memory, PidsLimit, ReadOnly, Latency, Timeout, Port, ReadyPath, ReadyLogPattern, Tmpfs, Host,
    };
}
