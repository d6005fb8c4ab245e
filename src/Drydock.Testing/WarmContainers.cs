using System.Diagnostics;
using System.Globalization;

using Drydock.Runtime;

namespace Drydock.Testing;

/// <summary>
/// The containers a publish starts for this test host while it starts (<c>DRYDOCK_WARM_CONTAINERS</c>: a file with
/// the start key on its first line, then each container's id as the engine created it, then
/// <see cref="DrydockVariables.WarmContainersEnd"/>): each a fresh container of the image under test, started with
/// exactly the arguments a test's <see cref="ImageUnderTest.StartAsync"/> uses with the profile and no overrides, so
/// the app's start overlaps the test host's. A start with the same key (<see cref="ContainerLimits.StartKey"/>) takes
/// one instead of starting its own (waiting for one still being created: it is ready sooner than a new one), and still
/// waits for its readiness. Each start with that key is counted into <c>DRYDOCK_WARM_STARTS</c>, which tells the next
/// publish how many to start. Those left over the publish removes with its run.
/// </summary>
internal static class WarmContainers
{
    /// <summary>How long a start waits for the publish's next container: each is one <c>run</c> of the engine.</summary>
    private static readonly TimeSpan HandoverBound = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    private static readonly Lazy<Offer?> Offered = new(() => Read(Environment.GetEnvironmentVariable, HandoverBound));

    /// <summary>This process's offer, from its environment; null when the publish made none.</summary>
    public static Offer? OfProcess() => Offered.Value;

    /// <summary>The offer the variables name; null when they name none.</summary>
    internal static Offer? Read(Func<string, string?> environment, TimeSpan bound) =>
        environment(DrydockVariables.WarmContainers) is { Length: > 0 } file ? new Offer(file, environment(DrydockVariables.WarmStarts), bound) : null;

    /// <param name="file">The publish's file, read as it grows: complete lines only.</param>
    /// <param name="record">Where the number of starts with the key is written; null: nowhere.</param>
    /// <param name="bound">How long a take waits for the publish's next container.</param>
    internal sealed class Offer(string file, string? record, TimeSpan bound) : IDisposable
    {
        private readonly SemaphoreSlim _lock = new(1, 1);
        private readonly Queue<string> _ids = new();
        private string? _key;
        private int _linesRead;
        private bool _ended;
        private int _starts;

        /// <summary>
        /// One of the containers started with <paramref name="startKey"/>, waiting while the publish still creates one,
        /// with what the engine said of it (<see cref="WarmContainerFacts"/>; null: ask it); null when none is left, the key
        /// is another, or none came within the bound.
        /// </summary>
        public async Task<(string Id, ContainerFacts? Facts)?> TakeAsync(string startKey, CancellationToken cancellationToken)
        {
            // Another key never waits behind a take of this one.
            if (Volatile.Read(ref _key) is { } key && key != startKey)
            {
                return null;
            }

            await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var waited = Stopwatch.StartNew();
                while (true)
                {
                    Refresh();
                    if (waited.Elapsed >= bound)
                    {
                        // The publish's starts are stuck: no later start waits for them again.
                        _ended = true;
                    }

                    if (_key is not null && _key != startKey)
                    {
                        return null;
                    }

                    if (_ids.Count > 0 || _ended)
                    {
                        if (_key is not null)
                        {
                            Count();
                        }

                        return _ids.TryDequeue(out var id) ? (id, Facts(id)) : null;
                    }

                    await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                _lock.Release();
            }
        }

        /// <summary>The process's own offer lives as long as the process; a test's is disposed.</summary>
        public void Dispose() => _lock.Dispose();

        /// <summary>Reads the complete lines the publish added since the last read.</summary>
        private void Refresh()
        {
            if (_ended || !File.Exists(file))
            {
                return;
            }

            string text;
            try
            {
                text = File.ReadAllText(file);
            }
            catch (IOException)
            {
                return;
            }

            var lines = text.Split('\n');
            // The last element is what follows the last newline: a line still being written, or nothing.
            for (var i = _linesRead; i < lines.Length - 1; i++)
            {
                var line = lines[i].Trim();
                if (i == 0)
                {
                    Volatile.Write(ref _key, line);
                }
                else if (line == DrydockVariables.WarmContainersEnd)
                {
                    _ended = true;
                }
                else if (line.Length > 0)
                {
                    _ids.Enqueue(line);
                }
            }

            _linesRead = Math.Max(_linesRead, lines.Length - 1);
        }

        private ContainerFacts? Facts(string id)
        {
            try
            {
                var facts = WarmContainerFacts.FileOf(file);
                return File.Exists(facts) ? WarmContainerFacts.Find(File.ReadLines(facts), id) : null;
            }
            catch (IOException)
            {
                return null;
            }
        }

        /// <summary>One more start with the key, written for the next publish.</summary>
        private void Count()
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
    }
}
