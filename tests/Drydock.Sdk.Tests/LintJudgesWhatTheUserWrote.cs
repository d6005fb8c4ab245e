using Drydock.Build.Diagnostics;
using Drydock.Sdk.Tests.Support;

namespace Drydock.Sdk.Tests;

/// <summary>
/// A default web app on the eng/ base images: the lint finds no access problem (DRY4014) for the base's
/// user, judges the SDK's default base, a tag, as unpinned (DRY4012, a warning with DrydockRequirePinnedBase)
/// although the SDK records its digest, and
/// names it by Microsoft's name, not DrydockBaseRegistry's mirror,
/// and points its findings at the project file, not at Drydock's targets in the package folder.
/// </summary>
public sealed class LintJudgesWhatTheUserWrote : IDisposable
{
    private readonly TestProject _project = TestProject.Create("lintdefaults", program: TestApps.Web);

    [Fact]
    public void Default_base_is_unpinned_the_user_reaches_the_app_and_findings_point_at_the_project()
    {
        var publish = _project.Publish("-p:DrydockLoadImage=false", "-p:DrydockTest=false", "-p:DrydockRequirePinnedBase=true");

        Assert.True(publish.Succeeded, publish.StandardOutput);
        var project = Path.Combine(_project.ProjectDirectory, "lintdefaults.csproj");
        var warning = Assert.Single(publish.StandardOutput.Split('\n'), line => line.Contains($"warning {KnownCodes.UnpinnedBaseImage}:", StringComparison.Ordinal));
        Assert.StartsWith($"{project} : warning {KnownCodes.UnpinnedBaseImage}: The SDK's default base image 'mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled", warning.Trim(), StringComparison.Ordinal);
        Assert.DoesNotContain(Paths.Registry, warning, StringComparison.Ordinal); // the mirror (DrydockBaseRegistry) is not what the project pins
        Assert.Contains("@sha256:", warning, StringComparison.Ordinal);
        Assert.DoesNotContain(KnownCodes.EntrypointNotAccessible, publish.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("Drydock.Sdk.targets : warning", publish.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void A_base_pinned_by_digest_is_not_unpinned()
    {
        var digest = Oci.Checked("skopeo", ["inspect", "--tls-verify=false", "--format", "{{.Digest}}", $"docker://{Paths.Registry}/dotnet/aspnet:10.0-noble-chiseled-extra"]).StandardOutput.Trim();

        var publish = _project.Publish("-p:DrydockLoadImage=false", "-p:DrydockTest=false", "-p:DrydockRequirePinnedBase=true", $"-p:ContainerBaseImage={Paths.Registry}/dotnet/aspnet:10.0-noble-chiseled-extra@{digest}");

        Assert.True(publish.Succeeded, publish.StandardOutput);
        Assert.DoesNotContain(KnownCodes.UnpinnedBaseImage, publish.StandardOutput, StringComparison.Ordinal);
    }

    public void Dispose() => _project.Dispose();
}
