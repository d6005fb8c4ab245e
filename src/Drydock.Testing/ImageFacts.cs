using System.Diagnostics;
using System.Globalization;

using Drydock.Runtime;

namespace Drydock.Testing;

/// <summary>
/// The variables that name the image, for a test host the publish started before the image existed (while the app
/// compiled): the publish writes them to <c>DRYDOCK_IMAGE_FACTS</c> once the image is loaded, in one rename, and they
/// are laid over this process's environment before the first <see cref="ImageOptions.FromEnvironment"/> reads it, so
/// the tests' own reads of <c>DRYDOCK_IMAGE</c> after that see them too. From then on the test host ends itself (and
/// so removes its containers) when the publish is gone or the run's deadline (<c>DRYDOCK_RUN_DEADLINE</c>) has passed:
/// the bound VSTest holds for a test host started with its image. docs/image-tests.md, "Started ahead".
/// </summary>
internal static class ImageFacts
{
    /// <summary>Past this the publish's run timeout has stopped the run anyway.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromHours(2);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    private static readonly TimeSpan WatchInterval = TimeSpan.FromSeconds(1);

    /// <summary>Once the facts are read: checks each second that the publish is still there and the deadline not passed.</summary>
    private static Timer? Watchdog { get; set; }

    private static readonly Lazy<bool> Applied = new(() => Apply(Environment.GetEnvironmentVariable, Environment.SetEnvironmentVariable));

    /// <summary>Waits for the publish's facts when it promised them (at once otherwise), and applies them to this process.</summary>
    /// <exception cref="InvalidOperationException">DRY5104: the publish ended without writing them.</exception>
    public static void Await() => _ = Applied.Value;

    /// <summary>Reads <c>DRYDOCK_IMAGE_FACTS</c> when it is set, waiting for the file; false when no facts were promised.</summary>
    internal static bool Apply(Func<string, string?> environment, Action<string, string?> set)
    {
        if (environment(DrydockVariables.ImageFacts) is not { Length: > 0 } file)
        {
            return false;
        }

        var writer = int.TryParse(environment(DrydockVariables.ImageFactsWriter), out var pid) ? pid : (int?)null;
        var waited = Stopwatch.StartNew();
        var checkedWriter = TimeSpan.Zero;
        while (!File.Exists(file))
        {
            if (waited.Elapsed - checkedWriter > TimeSpan.FromMilliseconds(250))
            {
                checkedWriter = waited.Elapsed;
                if (waited.Elapsed > Bound || (writer is { } id && !IsRunning(id)))
                {
                    throw new InvalidOperationException(
                        $"{ImageTestCodes.NoImage}: the publish that started these tests ended before it built the image ({DrydockVariables.ImageFacts}={file} was never written).");
                }
            }

            Thread.Sleep(PollInterval);
        }

        DateTimeOffset? deadline = null;
        foreach (var line in File.ReadAllLines(file))
        {
            if (line.IndexOf('=', StringComparison.Ordinal) is > 0 and var split)
            {
                set(line[..split], line[(split + 1)..]);
                if (line[..split] == DrydockVariables.RunDeadline
                    && DateTimeOffset.TryParse(line[(split + 1)..], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var due))
                {
                    deadline = due;
                }
            }
        }

        Watchdog ??= new Timer(_ => StopWhenOrphaned(writer, deadline), null, WatchInterval, WatchInterval);
        return true;
    }

    /// <summary>Ends this process (its exit removes its containers: <see cref="ExitCleanup"/>) once the publish is gone or the run's deadline has passed.</summary>
    private static void StopWhenOrphaned(int? writer, DateTimeOffset? deadline)
    {
        var reason = writer is { } id && !IsRunning(id) ? "the publish that started these tests has ended"
            : DateTimeOffset.UtcNow > deadline ? $"the run passed its deadline, {deadline:O} (DrydockTestRunTimeout)"
            : null;
        if (reason is not null)
        {
            Console.Error.WriteLine($"Drydock.Testing: {reason}; the test host stops and removes its containers.");
            Environment.Exit(3);
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
