using Drydock.Build.Diagnostics;
using Drydock.Build.Testing;
using Microsoft.Build.Framework;

namespace Drydock.Build.Tasks;

/// <summary>The gate (see <see cref="TestGate"/>): fails the publish when the image failed its tests, was stopped while they ran, or was not tested though tests are required.</summary>
public sealed class CheckImageTests : DrydockTask
{
    public ITaskItem[] Results { get; set; } = [];

    [Required]
    public string ImageDigest { get; set; } = "";

    /// <summary>The image id (config digest), which the engine lists and the tests' messages name.</summary>
    public string? ImageId { get; set; }

    /// <summary>The signal that stopped the test run, when one did (<see cref="TestImage.StoppedBy"/>).</summary>
    public string? StoppedBy { get; set; }

    public bool Tested { get; set; }

    /// <summary><c>ContainerTestProject</c> items.</summary>
    public ITaskItem[] TestProjects { get; set; } = [];

    /// <summary><c>DrydockTest</c>.</summary>
    public bool TestsEnabled { get; set; } = true;

    /// <summary><c>ContainerRegistry</c>: the image is pushed when set and <see cref="Push"/> is true.</summary>
    public string? Registry { get; set; }

    public string? Repository { get; set; }

    /// <summary><c>DrydockPush</c>.</summary>
    public bool Push { get; set; } = true;

    /// <summary><c>DrydockRequireImageTests</c>.</summary>
    public bool RequireTests { get; set; }

    /// <summary>For a multi-platform image, <see cref="ReadImage.Platforms"/> (metadata <c>Note</c>: why one is not tested).</summary>
    public ITaskItem[] Platforms { get; set; } = [];

    /// <summary><see cref="TestImage.Untested"/>.</summary>
    public string? Untested { get; set; }

    /// <summary><see cref="TestImage.TestedPlatforms"/>.</summary>
    public string? TestedPlatforms { get; set; }

    protected override void Execute(IBuildLog log, CancellationToken cancellationToken) =>
        TestGate.Check(new TestGateInputs
        {
            ImageDigest = ImageDigest,
            ImageId = string.IsNullOrEmpty(ImageId) ? null : ImageId,
            Results = Results.Select(TestResultItems.FromItem).ToArray(),
            Tested = Tested,
            StoppedBy = string.IsNullOrEmpty(StoppedBy) ? null : StoppedBy,
            TestProjects = TestProjects.Length,
            TestsEnabled = TestsEnabled,
            PushTarget = Push && !string.IsNullOrEmpty(Registry) ? $"{Registry}/{Repository}" : null,
            RequireTests = RequireTests,
            UntestedPushIsError = WarningIsError(KnownCodes.UntestedPush),
            UntestedWhy = string.IsNullOrEmpty(Untested) ? null : Untested,
            UntestedPlatforms = Platforms
                .Where(p => !(TestedPlatforms ?? "").Split(';').Contains(p.ItemSpec))
                .Select(p => (p.ItemSpec, p.GetMetadata("Test") == "true" ? "its tests did not run" : p.GetMetadata("Note")))
                .ToArray(),
        }, log);
}
