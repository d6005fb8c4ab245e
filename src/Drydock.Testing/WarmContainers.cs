using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

using Drydock.Runtime;

namespace Drydock.Testing;

/// <summary>
/// The containers a publish started for this test host while it started (<c>DRYDOCK_WARM_CONTAINERS</c>: a file
/// that appears once their <c>run</c>s returned, the start key on its first line, then an id a line): each a
/// fresh container of the image under test, started with exactly the arguments a test's
/// <see cref="ImageUnderTest.StartAsync"/> uses with the profile and no overrides, so the app's start overlaps
/// the test host's. A start with the same key (<see cref="ContainerLimits.StartKey"/>) takes one instead of
/// starting its own, and still waits for its readiness. Each start with that key is counted into
/// <c>DRYDOCK_WARM_STARTS</c>, which tells the next publish how many to start. Those left over the publish
/// removes with its run.
/// </summary>
internal static class WarmContainers
{
    /// <summary>How long a start waits for the publish's file: its <c>run</c>s return long before a test host starts.</summary>
    private static readonly TimeSpan HandoverBound = TimeSpan.FromSeconds(10);

    private static readonly Lazy<Task<Offer?>> Offered = new(() => ReadAsync(Environment.GetEnvironmentVariable, HandoverBound));

    /// <summary>This process's offer, from its environment: read once.</summary>
    public static Task<Offer?> OfProcess() => Offered.Value;

    /// <summary>The offer the variables name; null when there is none, or its file did not appear within <paramref name="bound"/>.</summary>
    internal static async Task<Offer?> ReadAsync(Func<string, string?> environment, TimeSpan bound)
    {
        if (environment(DrydockVariables.WarmContainers) is not { Length: > 0 } file)
        {
            return null;
        }

        var waited = Stopwatch.StartNew();
        while (!File.Exists(file))
        {
            if (waited.Elapsed >= bound)
            {
                return null;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(10)).ConfigureAwait(false);
        }

        return await File.ReadAllLinesAsync(file).ConfigureAwait(false) is [{ Length: > 0 } key, .. var ids]
            ? new Offer(key, ids.Where(id => id.Length > 0), environment(DrydockVariables.WarmStarts))
            : null;
    }

    internal sealed class Offer(string key, IEnumerable<string> ids, string? record)
    {
        private readonly ConcurrentQueue<string> _ids = new(ids);
        private readonly Lock _lock = new();
        private int _starts;

        /// <summary>One of the containers started with <paramref name="startKey"/>, or null: none left, or another key.</summary>
        public string? Take(string startKey)
        {
            if (startKey != key)
            {
                return null;
            }

            lock (_lock)
            {
                _starts++;
                try
                {
                    if (record is not null)
                    {
                        File.WriteAllText(record, _starts.ToString(CultureInfo.InvariantCulture));
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Only the next publish's head start depends on it.
                }
            }

            return _ids.TryDequeue(out var id) ? id : null;
        }
    }
}
