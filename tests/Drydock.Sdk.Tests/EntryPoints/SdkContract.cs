using Drydock.Processes;
using Drydock.Sdk.Tests.Support;

namespace Drydock.Sdk.Tests.EntryPoints;

/// <summary>
/// What Drydock relies on in the SDK's container targets beyond their public names. Fails when an SDK
/// changes it, pointing at the place in Drydock.Sdk.targets to mend.
/// </summary>
public sealed class SdkContract
{
    private static readonly string Targets = File.ReadAllText(ContainersTargetsPath());

    [Fact]
    public void Per_rid_inner_builds_are_marked_with_IsSingleRIDBuild()
    {
        // Drydock.Sdk.targets: _DrydockSdkPlatformBuild keeps the pipeline out of these builds.
        var multiArch = Section("_PublishMultiArchContainers");
        Assert.Contains("_IsSingleRIDBuild=true", multiArch, StringComparison.Ordinal);
        Assert.Contains("ContainerRuntimeIdentifier=%(_rids.Identity)", multiArch, StringComparison.Ordinal);
    }

    [Fact]
    public void The_image_is_configured_in_ComputeContainerConfig_and_written_to_ContainerArchiveOutputPath()
    {
        // Drydock stamps and redirects before ComputeContainerConfig (_DrydockBeforeContainerConfig).
        Assert.Contains("<Target Name=\"ComputeContainerConfig\"", Targets, StringComparison.Ordinal);
        Assert.Contains("ArchiveOutputPath=\"$(ContainerArchiveOutputPath)\"", Section("_PublishSingleContainer"), StringComparison.Ordinal);
        Assert.Contains("ArchiveOutputPath=\"$(ContainerArchiveOutputPath)\"", Section("_PublishMultiArchContainers"), StringComparison.Ordinal);
    }

    [Fact]
    public void Inner_builds_get_labels_and_environment_as_colon_separated_pairs()
    {
        // Why ConfigOverrides puts the labels and environment back: when this fails, the SDK passes
        // them whole, and the overrides are a harmless no-op that can go.
        var multiArch = Section("_PublishMultiArchContainers");
        Assert.Contains("_ContainerLabel=@(ContainerLabel->'%(Identity):%(Value)')", multiArch, StringComparison.Ordinal);
        Assert.Contains(".Split(':')[1]", Section("_ParseItemsForPublishingSingleContainer"), StringComparison.Ordinal);
    }

    private static string Section(string target)
    {
        var start = Targets.IndexOf($"<Target Name=\"{target}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"The SDK's container targets have no {target} target any more.");
        var end = Targets.IndexOf("</Target>", start, StringComparison.Ordinal);
        return Targets[start..end];
    }

    private static string ContainersTargetsPath()
    {
        var version = ProcessRunner.Run("dotnet", ["--version"], TimeSpan.FromMinutes(1), CancellationToken.None, Paths.RepositoryRoot).StandardOutput.Trim();
        var sdks = ProcessRunner.Run("dotnet", ["--list-sdks"], TimeSpan.FromMinutes(1), CancellationToken.None, Paths.RepositoryRoot).StandardOutput;
        var line = sdks.Split('\n').First(l => l.StartsWith(version + " ", StringComparison.Ordinal));
        var folder = line[(line.IndexOf('[', StringComparison.Ordinal) + 1)..line.LastIndexOf(']')];
        return Path.Combine(folder, version, "Containers", "build", "Microsoft.NET.Build.Containers.targets");
    }
}
