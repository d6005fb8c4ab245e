using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using Drydock.Build.Diagnostics;
using Drydock.Processes;
using Drydock.Runtime;

namespace Drydock.Build.Testing;

/// <summary>
/// A test project's <c>dotnet test</c>, started while the app compiles, before its image exists: VSTest, the test host and
/// discovery (a second or more of CPU) overlap the compile instead of following the image. Its environment is the run's
/// but for the variables that name the image (<see cref="ImageVariables"/>); the first <c>ImageUnderTest</c> waits for
/// those (<c>DRYDOCK_IMAGE_FACTS</c>, Drydock.Testing's <c>ImageFacts</c>), which <see cref="Finish"/> writes once the image
/// is loaded. Disposed unfinished (a failed compile, a cached result, a stopped build: MSBuild disposes it with the build),
/// it is killed with its process tree. docs/image-tests.md, "Started ahead".
/// </summary>
public sealed class EarlyTestHost : IDisposable
{
    /// <summary>
    /// Added to the run's timeout (<c>DrydockTestRunTimeout</c>) for VSTest's session timeout, which counts from the test host's
    /// start: the compile and the image come first (a Native AOT compile takes minutes). <see cref="Finish"/> holds the run's
    /// own bound from the image's handover.
    /// </summary>
    private static readonly TimeSpan CompileAllowance = TimeSpan.FromHours(1);

    /// <summary>The variables only the built image decides: handed over by <see cref="Finish"/>, not at the start.</summary>
    public static readonly IReadOnlySet<string> ImageVariables = new HashSet<string>(StringComparer.Ordinal)
    {
        DrydockVariables.Image, DrydockVariables.ImageDigest, DrydockVariables.ImagePlatform, DrydockVariables.Runtime,
        DrydockVariables.ImageLoaded, DrydockVariables.Port, DrydockVariables.WarmContainers, DrydockVariables.WarmStarts,
    };

    private readonly CancellationTokenSource _stop = new();
    private readonly string _facts;
    private readonly string _files;
    private readonly string _runId;
    private readonly Func<ContainerEngine?> _engine;

    private EarlyTestHost(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?> environment, TimeSpan timeout,
        string facts, string files, string runId, Func<ContainerEngine?> engine)
    {
        (Arguments, Environment, _facts, _files, _runId, _engine) = (arguments, environment, facts, files, runId, engine);
        // At a lower priority (nice 10, inherited by VSTest and the test host): while the app compiles, the compiler has the
        // CPU first and the test host the rest, so a publish whose tests turn out cached, or whose compile fails, costs about
        // what it would without it.
        Completion = ProcessRunner.FindOnPath("nice", System.Environment.GetEnvironmentVariable("PATH")) is not null
            ? ProcessRunner.RunAsync("nice", ["-n", "10", "dotnet", .. arguments], timeout, _stop.Token, environment: environment)
            : ProcessRunner.RunAsync("dotnet", arguments, timeout, _stop.Token, environment: environment);
    }

    /// <summary>The <c>dotnet test</c> arguments it was started with.</summary>
    public IReadOnlyList<string> Arguments { get; }

    /// <summary>Its environment: the run's without <see cref="ImageVariables"/>, with <c>DRYDOCK_IMAGE_FACTS</c>.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; }

    /// <summary>When <see cref="Finish"/> handed over the image: the tests could start from then on.</summary>
    public DateTimeOffset? FactsWritten { get; private set; }

    private Task<ProcessResult> Completion { get; }

    /// <summary>The key it is registered under in the build (<c>IBuildEngine4.RegisterTaskObject</c>) between the two targets.</summary>
    public static string Key(string appProject, string testProject) => $"Drydock.EarlyTestHost|{appProject}|{testProject}";

    /// <summary>
    /// Whether <paramref name="assembly"/> can wait for the image's variables: false when it names one of
    /// <see cref="ImageVariables"/> itself (<c>Environment.GetEnvironmentVariable("DRYDOCK_IMAGE")</c>: its own read could
    /// come before <c>ImageUnderTest</c>'s, which waits for them).
    /// </summary>
    public static bool CanWaitForImage(string assembly)
    {
        using var stream = File.OpenRead(assembly);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        for (var handle = MetadataTokens.UserStringHandle(1); !handle.IsNil; handle = metadata.GetNextHandle(handle))
        {
            if (ImageVariables.Contains(metadata.GetUserString(handle)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Starts <paramref name="built"/>'s run as <see cref="ImageTestRunner"/> would, without the image's variables.</summary>
    /// <param name="settings">The run's settings (its service variables included); their image fields are not read.</param>
    /// <param name="factsDirectory">Where the facts file goes (<c>obj/</c>).</param>
    /// <param name="engine">Resolves the engine the run's containers are on, for <see cref="Dispose"/>'s removal of them; null: none.</param>
    internal static EarlyTestHost Start(BuiltTestProject built, ImageTestSettings settings, string factsDirectory, Func<ContainerEngine?> engine, IBuildLog log)
    {
        ArgumentNullException.ThrowIfNull(built);
        ArgumentNullException.ThrowIfNull(settings);
        var files = ImageTestRunner.FilesDirectory(settings, built.Name);
        // Its tests that need no image run at once and may write there: an empty folder now, the last run's kept aside for a
        // cached result, whose report links them (Stop puts them back).
        var previous = files + ".previous";
        if (Directory.Exists(previous))
        {
            Directory.Delete(previous, recursive: true);
        }

        if (Directory.Exists(files))
        {
            Directory.Move(files, previous);
        }

        Directory.CreateDirectory(files);
        Directory.CreateDirectory(factsDirectory);
        var facts = Path.Combine(factsDirectory, built.Name + ".image");
        File.Delete(facts);
        var environment = ImageTestRunner.Environment(settings, files)
            .Where(pair => !ImageVariables.Contains(pair.Key))
            .ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);
        environment[DrydockVariables.ImageFacts] = facts;
        environment[DrydockVariables.ImageFactsWriter] = System.Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        log.Detail($"Drydock: starting {built.Name}'s test host while the app compiles; its tests wait for the image ({facts})");
        var session = settings with { Timeout = settings.Timeout + CompileAllowance };
        return new EarlyTestHost(ImageTestRunner.TestArguments(built, session), environment, session.Timeout, facts, files, settings.RunId, engine);
    }

    /// <summary>
    /// Whether it still runs what <paramref name="built"/>'s run with <paramref name="settings"/> and <paramref name="environment"/>
    /// would: not ended, the same command line (but its session timeout), the same variables but <see cref="ImageVariables"/>.
    /// </summary>
    internal bool Runs(BuiltTestProject built, ImageTestSettings settings, IReadOnlyDictionary<string, string?> environment) =>
        !Completion.IsCompleted
        && Arguments.SequenceEqual(ImageTestRunner.TestArguments(built, settings with { Timeout = settings.Timeout + CompileAllowance }), StringComparer.Ordinal)
        && environment.Where(pair => !ImageVariables.Contains(pair.Key)).All(pair => Environment.TryGetValue(pair.Key, out var value) && value == pair.Value)
        && Environment.Keys.All(key => key is DrydockVariables.ImageFacts or DrydockVariables.ImageFactsWriter || environment.ContainsKey(key));

    /// <summary>
    /// Hands the image's variables over (one rename: the test host reads a whole file) and waits for the run's end, at most
    /// <paramref name="timeout"/> from now.
    /// </summary>
    /// <exception cref="TimeoutException">The run outlived <paramref name="timeout"/>; it has been killed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> stopped it; it has been killed.</exception>
    internal ProcessResult Finish(IReadOnlyDictionary<string, string?> environment, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var temporary = _facts + ".tmp";
        // The deadline holds the run's bound also when this build is killed (VSTest's own counts from the test host's start).
        var deadline = DateTimeOffset.UtcNow + timeout;
        File.WriteAllLines(temporary, [
            .. environment.Where(pair => ImageVariables.Contains(pair.Key) && pair.Value is not null).Select(pair => $"{pair.Key}={pair.Value}"),
            $"{DrydockVariables.RunDeadline}={deadline:O}",
        ]);
        File.Move(temporary, _facts, overwrite: true);
        FactsWritten = DateTimeOffset.UtcNow;
        if (Directory.Exists(_files + ".previous"))
        {
            Directory.Delete(_files + ".previous", recursive: true);
        }

        using var stop = cancellationToken.Register(_stop.Cancel);
        try
        {
            // Waited for without Task.Wait, which wraps the run's end in an AggregateException: a run killed by a stop
            // signal or MSBuild's cancel (the registration above) must reach the caller as the cancellation it is.
            if (!((IAsyncResult)Completion).AsyncWaitHandle.WaitOne(timeout))
            {
                _stop.Cancel();
                throw new TimeoutException($"'dotnet {string.Join(' ', Arguments)}' did not finish within {timeout.TotalSeconds:0} s of the image's handover.");
            }

            return Completion.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
    }

    /// <summary>
    /// Kills the run when it has not ended (its process tree: <c>dotnet test</c>, VSTest, the test host), and puts the last
    /// run's files back; true when it had not ended.
    /// </summary>
    public bool Stop()
    {
        var running = !Completion.IsCompleted;
        if (running)
        {
            _stop.Cancel();
            try
            {
                Completion.Wait(TimeSpan.FromSeconds(10));
            }
            catch (AggregateException)
            {
                // Killed, as asked.
            }
        }

        // The last run's files back, for the cached result that links them.
        if (Directory.Exists(_files + ".previous"))
        {
            if (Directory.Exists(_files))
            {
                Directory.Delete(_files, recursive: true);
            }

            Directory.Move(_files + ".previous", _files);
        }

        return running;
    }

    /// <summary>
    /// What MSBuild calls when the build ends with the run unclaimed (the publish stopped before its image): kills it, then
    /// removes what it started (a database fixture starts before the image), as the test step's sweep would have.
    /// </summary>
    public void Dispose()
    {
        if (Stop())
        {
            try
            {
                _engine()?.RemoveRunAsync(_runId, CancellationToken.None).GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is ContainerEngineException or DrydockException)
            {
                // The next publish's sweep removes them: they carry the dead test host's process id.
            }
        }

        _stop.Dispose();
    }
}
