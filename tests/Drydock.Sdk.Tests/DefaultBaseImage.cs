using Drydock.Sdk.Tests.Support;

namespace Drydock.Sdk.Tests;

/// <summary>
/// Minimal by default: a chiseled family unless the project chose a base. The SDK then picks "-extra"
/// for apps that need ICU and runtime-deps for self-contained and AOT apps.
/// </summary>
public sealed class DefaultBaseImage : IDisposable
{
    private readonly TestProject _web = TestProject.Create("web");
    private readonly TestProject _console = TestProject.Create("console", sdk: "Microsoft.NET.Sdk");

    [Theory]
    [InlineData("web", "", "dotnet/aspnet:10.0-noble-chiseled-extra")]
    [InlineData("web", "-p:InvariantGlobalization=true", "dotnet/aspnet:10.0-noble-chiseled")]
    [InlineData("console", "-p:InvariantGlobalization=true", "dotnet/runtime:10.0-noble-chiseled")]
    [InlineData("console", "-p:SelfContained=true -p:RuntimeIdentifier=linux-x64 -p:InvariantGlobalization=true", "dotnet/runtime-deps:10.0-noble-chiseled")]
    [InlineData("console", "-p:PublishAot=true -p:RuntimeIdentifier=linux-x64", "dotnet/runtime-deps:10.0-noble-chiseled-extra")]
    [InlineData("web", "-p:ContainerFamily=noble", "dotnet/aspnet:10.0-noble")]
    public void Base_image_for(string project, string properties, string expected)
    {
        Assert.Equal($"{Paths.Registry}/{expected}", BaseImage(project == "web" ? _web : _console, properties));
    }

    [Fact]
    public void An_explicit_base_image_is_kept()
    {
        Assert.Equal("registry.example.com/base:1", BaseImage(_web, "-p:ContainerBaseImage=registry.example.com/base:1"));
    }

    public void Dispose()
    {
        _web.Dispose();
        _console.Dispose();
    }

    /// <summary>Restored once without the properties, so no runtime pack or ILCompiler download is needed.</summary>
    private static string BaseImage(TestProject project, string properties)
    {
        var restore = project.DotNet("restore");
        Assert.True(restore.Succeeded, restore.StandardOutput);
        var result = project.DotNet(
        [
            "msbuild", "-nologo", "-t:ComputeContainerBaseImage", "-getProperty:ContainerBaseImage",
            $"-p:DrydockBaseRegistry={Paths.Registry}", .. properties.Split(' ', StringSplitOptions.RemoveEmptyEntries),
        ]);
        Assert.True(result.Succeeded, result.StandardOutput);
        return result.StandardOutput.Trim();
    }
}
