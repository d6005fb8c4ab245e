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

    /// <summary>
    /// The image's platform, <c>os/architecture[/variant]</c> (<c>linux/arm64</c>), passed to the engine as
    /// <c>--platform</c>: one that is not the host's runs under emulation (qemu-user-static). Null starts the
    /// image as it is (the engine warns when it is another platform's).
    /// </summary>
    public string? Platform { get; init; }

    /// <summary><c>docker</c> or <c>podman</c>; null detects one as the SDK does (docker if an engine answers, else podman).</summary>
    public string? Runtime { get; init; }

    /// <summary>The value of the <c>io.drydock.run</c> label on every container, for <see cref="ContainerSweeper.Sweep"/>.</summary>
    public string RunId { get; init; } = ProcessRunId;

    public TestProfile Profile { get; init; } = new();

    /// <summary>
    /// The engine's connection variables (<c>DOCKER_HOST</c>, <c>DOCKER_CONTEXT</c>, <c>DOCKER_TLS_VERIFY</c>,
    /// <c>DOCKER_CERT_PATH</c>, <c>DOCKER_CONFIG</c>, <c>CONTAINER_HOST</c>, <c>CONTAINER_CONNECTION</c>,
    /// <c>CONTAINER_SSHKEY</c>) in place of this process's: the engine the last publish loaded the image into, when
    /// the image comes from its <c>obj/drydock-image.json</c> and the environment names no engine. Null: this process's.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Connection { get; init; }

    /// <summary>
    /// The host (name or address) where the engine's published ports answer, when only you know it (NAT, a
    /// proxy, a job container beside the engine: <c>DRYDOCK_TEST_HOST</c>, <c>DrydockTestHost</c>). Null takes
    /// <c>TESTCONTAINERS_HOST_OVERRIDE</c>, else the engine's host from its endpoint (<c>DOCKER_HOST</c>, the
    /// docker context, <c>CONTAINER_HOST</c>), else this machine's loopback. docs/image-tests.md, "Remote engines".
    /// </summary>
    public string? Host { get; init; }

    /// <summary>
    /// Where a failed start or run writes the container's whole log (<c>&lt;image&gt;-&lt;short id&gt;.log</c>):
    /// <c>DRYDOCK_RESULTS_DIRECTORY</c>, the folder next to the TRX whose files the publish's report links; null writes none.
    /// </summary>
    public string? ResultsDirectory { get; init; }

    /// <summary>
    /// Where the image came from when no <c>DRYDOCK_IMAGE</c> named it: the last publish's
    /// <c>obj/drydock-image.json</c>, its commit, and whether the app's repository has moved on since. Printed
    /// once by <see cref="FromEnvironment"/> and repeated in every failure's message; null otherwise.
    /// </summary>
    public string? Origin { get; init; }

    /// <summary>The containers the publish started ahead for this test host (<see cref="WarmContainers"/>); tests give their own.</summary>
    internal Func<WarmContainers.Offer?> WarmContainers { get; init; } = Testing.WarmContainers.OfProcess;

    /// <summary>
    /// Reads <c>DRYDOCK_IMAGE</c> (required), <c>DRYDOCK_IMAGE_DIGEST</c>, <c>DRYDOCK_IMAGE_PLATFORM</c>, <c>DRYDOCK_RUNTIME</c>,
    /// <c>DRYDOCK_RUN_ID</c>, <c>DRYDOCK_RESULTS_DIRECTORY</c> and the profile's <c>DRYDOCK_TEST_*</c> variables.
    /// </summary>
    /// <remarks>
    /// With no <c>DRYDOCK_IMAGE</c> (Test Explorer, a bare <c>dotnet test</c>): the image the app's last publish
    /// tested this test project against, with its runtime and profile, from the <c>obj/drydock-image.json</c>
    /// that publish wrote into the test project (found above the test assembly); <see cref="Origin"/> says
    /// which image and commit, and whether the repository has moved on.
    /// A test host the publish started before its image was built waits here for the image's variables (<c>DRYDOCK_IMAGE_FACTS</c>).
    /// </remarks>
    /// <exception cref="InvalidOperationException">DRY5104: no image and no publish found, with the publish command, or the publish ended
    /// before its image was built; DRY5103: a variable has a bad value, named.</exception>
    public static ImageOptions FromEnvironment()
    {
        ImageFacts.Await();
        var options = Settings.Read(Environment.GetEnvironmentVariable, AppContext.BaseDirectory);
        if (options.Origin is { } origin)
        {
            Console.Error.WriteLine($"Drydock.Testing: testing the {origin}");
        }

        return options;
    }
}
