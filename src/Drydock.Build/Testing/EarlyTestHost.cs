using System.Diagnostics;
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
    /// <summary>How long after its own session timeout <c>dotnet test</c> may take to abort and exit.</summary>
    private static readonly TimeSpan TimeoutGrace = TimeSpan.FromMinutes(1);

    /// <summary>The variables only the built image decides: handed over by <see cref="Finish"/>, not at the start.</summary>
    public static readonly IReadOnlySet<string> ImageVariables = new HashSet<string>(StringComparer.Ordinal)
    {
        DrydockVariables.Image, DrydockVariables.ImageDigest, DrydockVariables.ImagePlatform, DrydockVariables.Runtime,
        DrydockVariables.ImageLoaded, DrydockVariables.Port, DrydockVariables.WarmContainers, DrydockVariables.WarmStarts,
    };

    private readonly CancellationTokenSource _stop = new();
    private readonly string _facts;
    private readonly Stopwatch _started = Stopwatch.StartNew();

    private EarlyTestHost(string project, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?> environment, string facts, TimeSpan timeout)
    {
        (Project, Arguments, Environment, _facts) = (project, arguments, environment, facts);
        Completion = ProcessRunner.RunAsync("dotnet", arguments, timeout + TimeoutGrace, _stop.Token, environment: environment);
    }

    /// <summary>The test project (full path).</summary>
    public string Project { get; }

    /// <summary>The <c>dotnet test</c> arguments it was started with.</summary>
    public IReadOnlyList<string> Arguments { get; }

    /// <summary>Its environment: the run's without <see cref="ImageVariables"/>, with <c>DRYDOCK_IMAGE_FACTS</c>.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; }

    /// <summary>How long it has run.</summary>
    public TimeSpan Elapsed => _started.Elapsed;

    /// <summary>When <see cref="Finish"/> handed over the image: the tests could start from then on.</summary>
    public DateTimeOffset? FactsWritten { get; private set; }

    private Task<ProcessResult> Completion { get; }

    /// <summary>The key it is registered under in the build (<c>IBuildEngine4.RegisterTaskObject</c>) between the two targets.</summary>
    public static string Key(string appProject, string testProject) => $"Drydock.EarlyTestHost|{appProject}|{testProject}";

    /// <summary>
    /// Whether <paramref name="assembly"/> can wait for the image's variables: false when it starts backing services
    /// (Testcontainers reads the engine's variables before any Drydock code runs) or names one of
    /// <see cref="ImageVariables"/> itself (its own read could come before <c>ImageUnderTest</c>'s).
    /// </summary>
    public static bool CanStartEarly(string assembly)
    {
        if (ServiceEngine.Users([assembly]).Count > 0)
        {
            return false;
        }

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
    /// <param name="settings">The run's settings; their image fields are not read.</param>
    /// <param name="factsDirectory">Where the facts file goes (<c>obj/</c>).</param>
    internal static EarlyTestHost Start(BuiltTestProject built, ImageTestSettings settings, string factsDirectory, IBuildLog log)
    {
        ArgumentNullException.ThrowIfNull(built);
        ArgumentNullException.ThrowIfNull(settings);
        var files = ImageTestRunner.FilesDirectory(settings, built.Name);
        Directory.CreateDirectory(factsDirectory);
        var facts = Path.Combine(factsDirectory, built.Name + ".image");
        File.Delete(facts);
        var environment = ImageTestRunner.Environment(settings, files)
            .Where(pair => !ImageVariables.Contains(pair.Key))
            .ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);
        environment[DrydockVariables.ImageFacts] = facts;
        environment[DrydockVariables.ImageFactsWriter] = System.Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        log.Detail($"Drydock: starting {built.Name}'s test host while the app compiles; its tests wait for the image ({facts})");
        return new EarlyTestHost(built.Project, ImageTestRunner.TestArguments(built, settings), environment, facts, settings.Timeout);
    }

    /// <summary>
    /// Whether the run that <paramref name="arguments"/> and <paramref name="environment"/> describe is the one started:
    /// the same command line, and the same variables but <see cref="ImageVariables"/>.
    /// </summary>
    public bool Runs(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?> environment) =>
        Arguments.SequenceEqual(arguments, StringComparer.Ordinal)
        && environment.Where(pair => !ImageVariables.Contains(pair.Key)).All(pair => Environment.TryGetValue(pair.Key, out var value) && value == pair.Value)
        && Environment.Keys.All(key => key is DrydockVariables.ImageFacts or DrydockVariables.ImageFactsWriter || environment.ContainsKey(key));

    /// <summary>Hands the image's variables over (one rename: the test host reads a whole file) and waits for the run's end.</summary>
    /// <exception cref="TimeoutException">The run outlived its session timeout and grace; it has been killed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> stopped it; it has been killed.</exception>
    internal ProcessResult Finish(IReadOnlyDictionary<string, string?> environment, CancellationToken cancellationToken)
    {
        var temporary = _facts + ".tmp";
        File.WriteAllLines(temporary, environment.Where(pair => ImageVariables.Contains(pair.Key) && pair.Value is not null).Select(pair => $"{pair.Key}={pair.Value}"));
        File.Move(temporary, _facts, overwrite: true);
        FactsWritten = DateTimeOffset.UtcNow;
        using var stop = cancellationToken.Register(_stop.Cancel);
        try
        {
            return Completion.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
    }

    /// <summary>Kills the run when it has not ended (its process tree: <c>dotnet test</c>, VSTest, the test host).</summary>
    public void Dispose()
    {
        if (!Completion.IsCompleted)
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

        _stop.Dispose();
    }
}
