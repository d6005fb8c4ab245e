using Drydock.Sdk.Tests.Support;

namespace Drydock.Sdk.Tests;

/// <summary>
/// The publish builds its test projects inside its own build, as `dotnet build` would build them alone: none
/// of the publish's global properties reach them, and a new commit alone does not compile an unchanged test
/// project again. The test host is told the image is loaded, and the report says where the time went.
/// </summary>
public sealed class ImageTestsBuild : IDisposable
{
    private readonly TestProject _project = TestProject.Create("testbuild", program: TestApps.Web);

    public ImageTestsBuild() => _project.Environment["LocalRegistry"] = "Podman";

    [Fact]
    public void A_new_commit_runs_the_unchanged_test_assembly_again_without_compiling_it()
    {
        _project.AddImageTests("""
                [Fact]
                public void Sees_the_publish_facts_but_not_its_properties()
                {
                    Assert.Equal("true", Environment.GetEnvironmentVariable("DRYDOCK_IMAGE_LOADED"));
                    var version = typeof(ImageTests).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
                        .Cast<System.Reflection.AssemblyInformationalVersionAttribute>().Single().InformationalVersion;
                    Assert.DoesNotContain("9.9.9", version);
                }
            """);
        var assembly = Path.Combine(_project.Root, "testbuild.ImageTests", "bin", "Release", "net10.0", "testbuild.ImageTests.dll");

        var first = _project.Publish("-p:Version=9.9.9");
        Assert.True(first.Succeeded, first.StandardOutput);
        var compiled = File.GetLastWriteTimeUtc(assembly);
        _project.WriteFile("testbuild/Changed.cs", "internal static class Changed { }");
        _project.Commit("Change the app");
        var second = _project.Publish("-p:Version=9.9.9", "-v:n");

        Assert.True(second.Succeeded, second.StandardOutput);
        var tests = _project.Report()["tests"]![0]!;
        Assert.Equal(1, (int)tests["passed"]!);
        Assert.False((bool)tests["cached"]!);
        Assert.Equal(compiled, File.GetLastWriteTimeUtc(assembly));
        var phases = tests["phases"]!;
        Assert.InRange((double)phases["build"]!, 0.001, 600);
        Assert.InRange((double)phases["hostStart"]!, 0.001, 600);
        // The removal ran behind the publish's last steps; the report waited for it.
        Assert.InRange((double)phases["cleanUp"]!, 0.001, 600);
        Assert.Contains("testbuild.ImageTests: build ", second.StandardOutput);
    }

    public void Dispose()
    {
        Oci.RemoveRepository("testbuild");
        _project.Dispose();
    }
}
