using Drydock.Sdk.Tests.Support;

namespace Drydock.Sdk.Tests;

/// <summary>`&lt;Sdk Name="Drydock.Sdk" /&gt;` works like the PackageReference, here on a console app.</summary>
public sealed class SdkReference : IDisposable
{
    private readonly TestProject _project = TestProject.Create("tool", sdk: "Microsoft.NET.Sdk", asSdk: true);

    [Fact]
    public void Console_app_with_the_Sdk_element_gets_a_runtime_image()
    {
        var publish = _project.Publish("-p:InvariantGlobalization=true");

        Assert.True(publish.Succeeded, publish.StandardOutput);
        var labels = Oci.Config(_project.ArchivePath)["config"]!["Labels"]!;
        Assert.Equal("mcr.microsoft.com/dotnet/runtime:10.0-noble-chiseled", (string?)labels["org.opencontainers.image.base.name"]);
        Assert.Equal(_project.Git("rev-parse", "HEAD"), (string?)labels["org.opencontainers.image.revision"]);

        // Loaded into the engine detected as the SDK detects (docker when it answers, else podman).
        var tag = (string)_project.Report()["image"]!["tags"]![0]!;
        var run = Oci.Engine((string)_project.Report()["runtime"]!, "run", "--rm", $"tool:{tag}");
        Assert.True(run.Succeeded, run.StandardError);
        Assert.Equal("Hello from a Drydock test!", run.StandardOutput.Trim());
    }

    public void Dispose()
    {
        Oci.RemoveRepository("tool");
        _project.Dispose();
    }
}
