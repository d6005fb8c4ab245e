using Drydock.Sdk.Tests.Support;

namespace Drydock.Sdk.Tests.EntryPoints;

/// <summary>
/// Drydock.Sdk added to every project from Directory.Build.props, the usual way: a solution publish
/// builds the app's image only. The image-test project (IsTestProject, references Drydock.Testing)
/// and a class library are skipped, each with a low-importance message saying why, also when the
/// solution is published with -t:PublishContainer.
/// </summary>
public sealed class SolutionPublish : IDisposable
{
    private readonly TestProject _project = TestProject.Create("solapi", properties: "<ContainerRepository>entry/solapi</ContainerRepository>");

    [Fact]
    public void Only_the_app_becomes_an_image()
    {
        _project.WriteFile("solapi/solapi.csproj", """
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <ContainerRepository>entry/solapi</ContainerRepository>
              </PropertyGroup>
              <ItemGroup><ProjectReference Include="../sollib/sollib.csproj" /></ItemGroup>
            </Project>
            """);
        _project.WriteFile("sollib/sollib.csproj", """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
            </Project>
            """);
        _project.WriteFile("sollib/Greeting.cs", "namespace SolLib; public static class Greeting { public const string Text = \"hi\"; }");
        _project.WriteFile("Directory.Build.props", $"""
            <Project>
              <ItemGroup>
                <PackageReference Include="Drydock.Sdk" Version="{Paths.PackageVersion}" PrivateAssets="all" />
              </ItemGroup>
            </Project>
            """);
        _project.AddImageTests("""
                [Fact]
                public void Nothing() => Assert.True(true);
            """);
        Assert.True(_project.Run("dotnet", ["new", "sln", "-n", "shop", "--format", "sln"], _project.Root).Succeeded);
        foreach (var project in (string[])["solapi/solapi.csproj", "sollib/sollib.csproj", "solapi.ImageTests/solapi.ImageTests.csproj"])
        {
            var add = _project.Run("dotnet", ["sln", "shop.sln", "add", project], _project.Root);
            Assert.True(add.Succeeded, add.StandardOutput + add.StandardError);
        }

        _project.Commit("Solution");

        var publish = _project.Run("dotnet", ["publish", "shop.sln", "-c", "Release", "-nologo", "-v:d", $"-p:DrydockBaseRegistry={Paths.Registry}", "-p:LocalRegistry=Podman", "-p:DrydockTest=false"], _project.Root);

        Assert.True(publish.Succeeded, Tail(publish.StandardOutput) + publish.StandardError);
        Assert.True(File.Exists(_project.ReportPath));
        Assert.Contains("Drydock: no image for this project: it is a test project (IsTestProject=true)", publish.StandardOutput);
        Assert.Contains("Drydock: no image for this project: EnableSdkContainerSupport is not true", publish.StandardOutput);
        Assert.False(Directory.Exists(Path.Combine(_project.Root, "solapi.ImageTests", "obj", "Release", "net10.0", "drydock")));
        Assert.False(File.Exists(Path.Combine(_project.Root, "solapi.ImageTests", "bin", "Release", "net10.0", "drydock.json")));
        Assert.Empty(LocalImages.Podman("solapi.imagetests"));

        // The SDK's own command over the solution: the test project's PublishContainer (it is an Exe)
        // writes to obj/ only; nothing of it reaches podman or Docker Engine.
        var containers = _project.Run("dotnet", ["publish", "shop.sln", "-c", "Release", "-nologo", "-t:PublishContainer", $"-p:DrydockBaseRegistry={Paths.Registry}", "-p:LocalRegistry=Podman", "-p:DrydockTest=false"], _project.Root);

        Assert.True(containers.Succeeded, Tail(containers.StandardOutput) + containers.StandardError);
        Assert.Empty(LocalImages.Podman("solapi.imagetests"));
        Assert.Empty(LocalImages.Docker("solapi.imagetests"));
        Assert.NotEmpty(LocalImages.Podman("entry/solapi"));
    }

    public void Dispose()
    {
        LocalImages.RemoveEverywhere("entry/solapi");
        LocalImages.RemoveEverywhere("solapi.imagetests");
        _project.Dispose();
    }

    private static string Tail(string output) => output.Length > 6000 ? output[^6000..] : output;
}
