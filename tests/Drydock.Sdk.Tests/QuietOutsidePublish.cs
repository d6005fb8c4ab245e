using Drydock.Sdk.Tests.Support;

namespace Drydock.Sdk.Tests;

/// <summary>`dotnet build` and design-time builds do no Drydock work: IDE builds stay as fast as without the package.</summary>
public sealed class QuietOutsidePublish : IDisposable
{
    private readonly TestProject _project = TestProject.Create("quiet");

    private string DrydockDirectory => Path.GetDirectoryName(_project.ArchivePath)!;

    [Fact]
    public void Build_makes_no_image_and_runs_no_Drydock_target()
    {
        var build = _project.DotNet("build", "-c", "Release", "-v:d");

        Assert.True(build.Succeeded, build.StandardOutput);
        Assert.False(Directory.Exists(DrydockDirectory));
        Assert.DoesNotContain("Target \"Drydock", build.StandardOutput);
        Assert.DoesNotContain("Drydock: ", build.StandardOutput);
    }

    [Fact]
    public void Build_of_an_app_with_image_tests_starts_no_test_host()
    {
        _project.AddImageTests("""
                [Fact]
                public void Runs() => Assert.True(true);
            """);

        var build = _project.DotNet("build", "-c", "Release", "-v:d");

        Assert.True(build.Succeeded, build.StandardOutput);
        // A target that runs is logged so at -v:d (ImageTestsStartEarly sees its message in a publish).
        Assert.DoesNotContain("Target \"_DrydockStartImageTests\"", build.StandardOutput);
        Assert.DoesNotContain("test host while the app compiles", build.StandardOutput);
    }

    [Fact]
    public void Design_time_build_runs_no_Drydock_target()
    {
        var restore = _project.DotNet("restore");
        Assert.True(restore.Succeeded, restore.StandardOutput);

        // What an IDE asks for, and a publish marked design-time: neither may run a Drydock target.
        var designTime = _project.DotNet("msbuild", "-t:DrydockComputeMetadata;ResolveAssemblyReferences", "-p:DesignTimeBuild=true", "-p:Configuration=Release", "-v:d");
        var publish = _project.DotNet("publish", "-c", "Release", "--no-restore", "-p:DesignTimeBuild=true", "-v:d");
        var control = _project.DotNet("msbuild", "-t:DrydockComputeMetadata", "-p:Configuration=Release", "-v:d");

        Assert.True(designTime.Succeeded, designTime.StandardOutput);
        Assert.DoesNotContain("Drydock: ", designTime.StandardOutput + publish.StandardOutput);
        Assert.DoesNotContain("Target \"DrydockBuildImage\"", publish.StandardOutput);
        Assert.Contains("Drydock: revision=", control.StandardOutput);
        Assert.False(Directory.Exists(DrydockDirectory));
    }

    public void Dispose() => _project.Dispose();
}
