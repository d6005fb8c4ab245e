using System.Diagnostics;

using Drydock.Runtime;

namespace Drydock.Testing;

/// <summary>
/// The variables that name the image, for a test host the publish started before the image existed (while the app
/// compiled): the publish writes them to <c>DRYDOCK_IMAGE_FACTS</c> once the image is loaded, in one rename, and they
/// are laid over this process's environment before the first <see cref="ImageOptions.FromEnvironment"/> reads it, so
/// the tests' own reads of <c>DRYDOCK_IMAGE</c> after that see them too. docs/image-tests.md, "Started ahead".
/// </summary>
internal static class ImageFacts
{
    /// <summary>Past this the publish's run timeout has stopped the run anyway.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromHours(2);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

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

        foreach (var line in File.ReadAllLines(file))
        {
            if (line.IndexOf('=', StringComparison.Ordinal) is > 0 and var split)
            {
                set(line[..split], line[(split + 1)..]);
            }
        }

        return true;
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
