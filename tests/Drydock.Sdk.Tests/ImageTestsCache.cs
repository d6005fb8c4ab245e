using Drydock.Build.Diagnostics;
using Drydock.Sdk.Tests.Support;

namespace Drydock.Sdk.Tests;

/// <summary>
/// The test cache cannot pass a run that a fresh run would fail: a data file the tests read, copied
/// to their output folder, is part of the key, even when the image is byte for byte the same.
/// </summary>
public sealed class ImageTestsCache : IDisposable
{
    private readonly TestProject _project = TestProject.Create("cachekey", program: TestApps.Web);

    public ImageTestsCache() =>
        // Another engine may answer on this machine (docker before 25 cannot load OCI archives): podman, explicitly.
        _project.Environment["LocalRegistry"] = "Podman";

    [Fact]
    public void A_changed_data_file_runs_the_tests_again_and_an_unchanged_one_is_cached()
    {
        _project.AddImageTests("""
                [Fact]
                public void Expects_what_the_data_file_says() =>
                    Assert.Equal("ok", File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "data", "expected.txt")).Trim());
            """);
        // Ignored by git: changing it leaves the tree clean, so the image (its git.dirty label) stays the same.
        _project.WriteFile(".gitignore", "bin/\nobj/\ndata/\n");
        _project.WriteFile("cachekey.ImageTests/Directory.Build.props", """
            <Project>
              <ItemGroup>
                <None Include="data/**" CopyToOutputDirectory="PreserveNewest" />
              </ItemGroup>
            </Project>
            """);
        _project.WriteFile("cachekey.ImageTests/data/expected.txt", "ok");
        _project.Commit("Tests read a data file");

        var first = _project.Publish();
        Assert.True(first.Succeeded, first.StandardOutput);
        Assert.False((bool)_project.Report()["tests"]![0]!["cached"]!);

        var unchanged = _project.Publish();
        Assert.True(unchanged.Succeeded, unchanged.StandardOutput);
        Assert.Contains("cached: this image already passed these tests", unchanged.StandardOutput);
        var digest = (string?)_project.Report()["image"]!["digest"];

        _project.WriteFile("cachekey.ImageTests/data/expected.txt", "changed so the test must fail");
        var changed = _project.Publish();

        Assert.False(changed.Succeeded, changed.StandardOutput);
        Assert.Contains($"error {KnownCodes.TestsFailed}:", changed.StandardOutput);
        Assert.DoesNotContain("cached: this image already passed", changed.StandardOutput);
        Assert.Equal(digest, (string?)_project.Report()["image"]!["digest"]);
        Assert.Equal(1, (int)_project.Report()["tests"]![0]!["failed"]!);
    }

    public void Dispose()
    {
        Oci.RemoveRepository("cachekey");
        _project.Dispose();
    }
}
