using Drydock.Build.Diagnostics;
using Drydock.Build.Runtime;
using Drydock.Build.Testing;
using Drydock.Runtime;
using Microsoft.Build.Framework;

namespace Drydock.Build.Tasks;

/// <summary>
/// Starts the first <c>ContainerTestProject</c>'s <c>dotnet test</c> while the app compiles (<see cref="EarlyTestHost"/>), so its
/// start overlaps the compile (and a backing service's, such as a database fixture's); <see cref="TestImage"/> hands it the
/// image, or kills it (a cached result, another run). Starts nothing for a project that did not build or reads the image's
/// variables itself, when no engine answers, or when the profile or timeout is malformed (<see cref="TestImage"/> says so).
/// Never fails the build.
/// </summary>
public sealed class StartImageTests : DrydockTask
{
    /// <summary>The <c>ContainerTestProject</c> items.</summary>
    [Required]
    public ITaskItem[] Projects { get; set; } = [];

    /// <summary>The build's outputs for them, as <see cref="TestImage.BuiltProjects"/>.</summary>
    public ITaskItem[] BuiltProjects { get; set; } = [];

    [Required]
    public string Configuration { get; set; } = "";

    /// <summary>The profile, as <see cref="TestImage.Profile"/>; its port waits for the image.</summary>
    public ITaskItem[] Profile { get; set; } = [];

    [Required]
    public string ResultsDirectory { get; set; } = "";

    /// <summary>Where the file that hands the image over goes (<c>obj/</c>).</summary>
    [Required]
    public string FactsDirectory { get; set; } = "";

    /// <summary><c>DrydockTestRunTimeout</c>.</summary>
    public string? Timeout { get; set; }

    /// <summary>The app project (full path): with the test project, the key <see cref="TestImage"/> finds the run by.</summary>
    [Required]
    public string AppProject { get; set; } = "";

    /// <summary>The runtime the user chose (<c>LocalRegistry</c>), as <see cref="LoadImage"/> reads it: where backing services start.</summary>
    public string? LocalRegistry { get; set; }

    /// <summary>The run id the test host was started with, for <see cref="TestImage.RunId"/>; empty when none was started.</summary>
    [Output]
    public string? RunId { get; private set; }

    protected override void Execute(IBuildLog log, CancellationToken cancellationToken)
    {
        if (Projects.FirstOrDefault() is not { } first)
        {
            return;
        }

        try
        {
            var built = TestImage.Built(first, BuiltProjects);
            if (!EarlyTestHost.CanWaitForImage(built.Assembly))
            {
                log.Detail($"Drydock: {built.Name} reads the image's variables itself: its test host starts once the image is loaded");
                return;
            }

            // Backing services (Testcontainers) read the engine's variables when their fixture is made, before the image:
            // resolved as the test step resolves them (TestImage starts a run whose variables differ again).
            IReadOnlyDictionary<string, string> services = new Dictionary<string, string>();
            ContainerEngine? engine = null;
            if (ServiceEngine.Users([built.Assembly]).Count > 0)
            {
                engine = LocalEngine.Resolve(LocalRegistry, log, cancellationToken);
                if (engine is null)
                {
                    return;
                }

                services = ServiceEngine.ForTests(engine.Command, [built.Assembly], log, cancellationToken);
                // The test step's run gets the very same (its test host is this one when they agree): asked once a publish.
                BuildEngine4.RegisterTaskObject(ServiceEngine.Key(engine.Command), services, RegisteredTaskObjectLifetime.Build, allowEarlyCollection: false);
            }

            ImageTestSettings.CheckProfile(Profile.Select(item => (item.ItemSpec, item.GetMetadata("Property"), item.GetMetadata("Value"))));
            var profile = ImageTestSettings.ProfileVariables(Profile.Select(item => (item.ItemSpec, item.GetMetadata("Value"))));
            profile.Remove(DrydockVariables.Port);
            var runId = Guid.NewGuid().ToString("N");
            var settings = new ImageTestSettings
            {
                ImageId = "",
                ImageDigest = "",
                Runtime = "",
                RunId = runId,
                Configuration = Configuration,
                Profile = profile,
                ResultsDirectory = ResultsDirectory,
                Timeout = RunTimeout.Parse(Timeout),
                ServiceVariables = services,
            };
            var localRegistry = LocalRegistry;
            var host = EarlyTestHost.Start(built, settings, FactsDirectory, () => engine ?? LocalEngine.Resolve(localRegistry, new NullBuildLog(), CancellationToken.None), log);
            BuildEngine4.RegisterTaskObject(EarlyTestHost.Key(AppProject, built.Project), host, RegisteredTaskObjectLifetime.Build, allowEarlyCollection: false);
            RunId = runId;
        }
        catch (Exception e) when (e is DrydockException or ContainerEngineException or IOException)
        {
            log.Detail($"Drydock: no test host started while the app compiles ({e.Message}); the test step says more");
        }
    }
}
