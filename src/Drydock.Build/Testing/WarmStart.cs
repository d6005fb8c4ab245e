using System.Globalization;
using Drydock.Build.Diagnostics;
using Drydock.Runtime;

namespace Drydock.Build.Testing;

/// <summary>
/// Starts the app's containers for a test project's run before its test host, so the app's start overlaps
/// the test host's (about a second: <c>dotnet test</c>, VSTest, the test host, discovery). Each is started
/// exactly as Drydock.Testing starts a test's container with the profile and no overrides
/// (<see cref="ContainerLimits.Arguments"/>); a test whose start has that key takes one and still waits for
/// its readiness; a test with overrides (environment, network, limits) starts its own. How many: as many as
/// the last run of the project started with that key (1 before any run), at most <see cref="Bound"/>. Those
/// left over are removed with the run. docs/image-tests.md, "Started ahead".
/// </summary>
internal sealed class WarmStart
{
    private readonly ContainerEngine _engine;
    private readonly string _image;
    private readonly List<string> _arguments;
    private readonly double _cpus;
    private readonly int _port;
    private readonly string _recordDirectory;
    private Task<(List<string> Ids, List<string> Refused)>? _handedOver;
    private volatile bool _hostEnded;

    private WarmStart(ContainerEngine engine, string image, ContainerLimits limits, string? platform, string recordDirectory)
    {
        (_engine, _image, _cpus, _port, _recordDirectory) = (engine, image, limits.Cpus, limits.Port ?? 0, recordDirectory);
        _arguments = limits.Arguments(engine.Command, platform, publish: true, publishOnLoopback: true);
        Key = ContainerLimits.StartKey(engine.Command, image, _arguments);
    }

    /// <summary>The start key of a test's container with the profile and no overrides (<see cref="ContainerLimits.StartKey"/>).</summary>
    public string Key { get; }

    /// <summary>The most containers started ahead: twice the machine's CPUs at the profile's CPUs (they start while the test host does), 2 to 8.</summary>
    public static int Bound(double cpus) => Math.Clamp((int)(2 * Environment.ProcessorCount / cpus), 2, 8);

    /// <summary>
    /// For the image <paramref name="image"/> (the id the tests get) on <paramref name="engine"/>; null where the tests
    /// would not reach the app on this machine's loopback (a remote engine, <c>DRYDOCK_TEST_HOST</c>,
    /// <c>TESTCONTAINERS_HOST_OVERRIDE</c>: the publish cannot know their address form), for a profile with no port,
    /// or when the profile is malformed (the tests say so).
    /// </summary>
    /// <param name="profile">The <c>DRYDOCK_TEST_*</c> variables the tests get.</param>
    /// <param name="recordDirectory">Where each project's count of such starts is kept between publishes (<c>obj/</c>).</param>
    public static WarmStart? For(ContainerEngine engine, string image, string? platform, IReadOnlyDictionary<string, string> profile,
        Func<string, string?> environment, string recordDirectory)
    {
        if (!engine.Endpoint.IsLocalSocket || engine.Endpoint.Host is not null
            || profile.ContainsKey(DrydockVariables.Host) || !string.IsNullOrEmpty(environment(DrydockVariables.Host))
            || !string.IsNullOrEmpty(environment(DrydockVariables.TestcontainersHostOverride))
            || ContainerLimits.FromVariables(name => profile.GetValueOrDefault(name)) is not { Port: not null } limits)
        {
            return null;
        }

        return new WarmStart(engine, image, limits, platform, recordDirectory);
    }

    /// <summary>
    /// Starts the containers for <paramref name="project"/>'s run in the background, one after another (the first is
    /// the soonest ready; engines serialize much of a start anyway), and returns the variables that hand them to its
    /// test host, which starts meanwhile: <c>DRYDOCK_WARM_CONTAINERS</c>, a file with the start key on its first line,
    /// then each container's id as its <c>run</c> returns, and <see cref="DrydockVariables.WarmContainersEnd"/> after the last (a container
    /// the engine refused is left out: its test starts its own); and <c>DRYDOCK_WARM_STARTS</c>, where the test host
    /// counts its starts with the key.
    /// </summary>
    public Dictionary<string, string> Begin(string project, string runId, IBuildLog log, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_recordDirectory);
        var record = Path.Combine(_recordDirectory, project + ".warm");
        var offer = Path.Combine(_recordDirectory, project + ".containers");
        var last = LastStarts(record);
        var count = Math.Min(last ?? 1, Bound(_cpus));
        var facts = WarmContainerFacts.FileOf(offer);
        // Before the test host starts: it must never take the last run's containers, nor count on top of its starts.
        File.WriteAllText(facts, "");
        File.WriteAllText(offer, Key + "\n");
        File.WriteAllText(record, "0");
        _hostEnded = false;
        _handedOver = Task.Run(async () =>
        {
            var (ids, refused) = (new List<string>(), new List<string>());
            var offered = Task.CompletedTask;
            try
            {
                // Once the test host ended, no more: a run killed mid-way could create its container after the run's sweep.
                for (var i = 0; i < count && !cancellationToken.IsCancellationRequested && !_hostEnded; i++)
                {
                    var id = await _engine.RunAsync([.. RunLabels.Arguments(runId), .. _arguments], _image, cancellationToken).ConfigureAwait(false);
                    ids.Add(id);
                    // Offered in order, each beside the next one's run.
                    var previous = offered;
                    offered = Task.Run(async () =>
                    {
                        var inspected = await InspectAsync(id, cancellationToken).ConfigureAwait(false);
                        await previous.ConfigureAwait(false);
                        await OfferAsync(offer, facts, id, inspected).ConfigureAwait(false);
                    }, CancellationToken.None);
                }
            }
            catch (Exception e) when (e is ContainerEngineException or OperationCanceledException or TimeoutException or IOException)
            {
                refused.Add(e.Message);
            }
            finally
            {
                // Whatever happened: those started are offered, then the tests stop waiting and start their own.
                try
                {
                    await offered.ConfigureAwait(false);
                }
                catch (IOException e)
                {
                    refused.Add(e.Message);
                }

                await File.AppendAllTextAsync(offer, DrydockVariables.WarmContainersEnd + "\n", CancellationToken.None).ConfigureAwait(false);
            }

            return (ids, refused);
        }, CancellationToken.None);
        log.Detail($"Drydock: starting {count} container(s) of {_image} for {project}'s tests while its test host starts (start key {Key}; {(last is null ? "no run before" : $"its last run started {last}")})");
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [DrydockVariables.WarmContainers] = offer,
            [DrydockVariables.WarmStarts] = record,
        };
    }

    /// <summary>
    /// The test's first question of the engine (<see cref="ContainerEngine.InspectAsync"/>), asked here while the tests before
    /// it run; null when the container runs no more (its test asks, and says why) or the engine does not answer.
    /// </summary>
    private async Task<ContainerFacts?> InspectAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            return await _engine.InspectAsync(id, _port, cancellationToken).ConfigureAwait(false) is { Running: true } facts ? facts : null;
        }
        catch (Exception e) when (e is ContainerEngineException or OperationCanceledException or TimeoutException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Offers <paramref name="id"/>, its facts first (the test host reads an id's facts once it is offered); one write of a
    /// whole line each: the test host reads complete lines only.
    /// </summary>
    private static async Task OfferAsync(string offer, string facts, string id, ContainerFacts? inspected)
    {
        if (inspected is not null)
        {
            await File.AppendAllTextAsync(facts, WarmContainerFacts.Line(id, inspected), CancellationToken.None).ConfigureAwait(false);
        }

        await File.AppendAllTextAsync(offer, id + "\n", CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>After the test host ended: starts no more, waits for a <c>run</c> under way, and logs what was handed over and what the engine refused.</summary>
    public void End(IBuildLog log)
    {
        _hostEnded = true;
        try
        {
            if (_handedOver?.GetAwaiter().GetResult() is not var (ids, refused))
            {
                return;
            }

            log.Detail($"Drydock: handed over {ids.Count} container(s) started ahead: {string.Join(' ', ids.Select(id => id[..Math.Min(12, id.Length)]))}");
            foreach (var reason in refused)
            {
                log.Detail($"Drydock: a container of {_image} did not start ahead ({reason}); its test started its own");
            }
        }
        catch (IOException e)
        {
            log.Detail($"Drydock: the containers started ahead could not be handed over ({e.Message}); the tests started their own");
        }
    }

    /// <summary>What the last run's test host wrote: its number of starts with the key; null before any run.</summary>
    private static int? LastStarts(string record) =>
        File.Exists(record) && int.TryParse(File.ReadAllText(record).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var starts) ? starts : null;
}
