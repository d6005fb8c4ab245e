using Drydock.Sdk.Tests.Support;

namespace Drydock.Sdk.Tests;

/// <summary>Same commit ⇒ same manifest digest: on a clean rebuild later in time, and from another clone path.</summary>
public sealed class Reproducible : IDisposable
{
    private readonly TestProject _project = TestProject.Create("repro");
    private readonly List<TestProject> _clones = [];

    [Fact]
    public void Same_commit_gives_the_same_digest_at_another_time_and_from_another_path()
    {
        // Static web assets served by MapStaticAssets (.NET 9+): their endpoints manifest carries Last-Modified values.
        _project.WriteFile("repro/wwwroot/css/site.css", "body { margin: 0; color: #123456; }\n" + string.Concat(Enumerable.Repeat("p { padding: 1px; }\n", 200)));
        _project.WriteFile("repro/Program.cs", """
            var app = WebApplication.CreateSlimBuilder(args).Build();
            app.MapStaticAssets();
            app.MapGet("/", () => "Hello from a Drydock test!");
            app.Run();
            """);
        _project.Commit("Static assets", "2026-02-03T04:05:06Z");
        var first = _project.Publish("-p:DrydockLoadImage=false");
        Assert.True(first.Succeeded, first.StandardOutput);
        var digest = Oci.ManifestDigest(_project.ArchivePath);
        var endpoints = File.ReadAllText(Path.Combine(_project.ProjectDirectory, "bin", "Release", "net10.0", "publish", "repro.staticwebassets.endpoints.json"));
        Assert.Contains("\"Last-Modified\",\"Value\":\"Tue, 03 Feb 2026 04:05:06 GMT\"", endpoints);
        Assert.DoesNotContain(DateTime.UtcNow.ToString("dd MMM yyyy", System.Globalization.CultureInfo.InvariantCulture), endpoints);

        // Everything rebuilt from scratch, with new file times (the asset as if checked out two days ago).
        Thread.Sleep(1100);
        _project.Git("clean", "-fdxq");
        File.SetLastWriteTimeUtc(Path.Combine(_project.ProjectDirectory, "wwwroot", "css", "site.css"), DateTime.UtcNow.AddDays(-2));
        var second = _project.Publish("-p:DrydockLoadImage=false");
        Assert.True(second.Succeeded, second.StandardOutput);
        Assert.Equal(digest, Oci.ManifestDigest(_project.ArchivePath));

        // Another clone, at another path.
        var clone = TestProject.Clone(_project);
        _clones.Add(clone);
        Assert.NotEqual(_project.Root, clone.Root);
        var third = clone.Publish("-p:DrydockLoadImage=false");
        Assert.True(third.Succeeded, third.StandardOutput);
        Assert.Equal(digest, Oci.ManifestDigest(clone.ArchivePath));
    }

    [Fact]
    public void A_new_commit_gives_a_new_digest()
    {
        var first = _project.Publish("-p:DrydockLoadImage=false");
        Assert.True(first.Succeeded, first.StandardOutput);
        var digest = Oci.ManifestDigest(_project.ArchivePath);

        _project.WriteFile("repro/Extra.cs", "static class Extra { public const int Answer = 42; }");
        _project.Commit("Add a file", "2026-02-03T04:05:06Z");
        var second = _project.Publish("-p:DrydockLoadImage=false");

        Assert.True(second.Succeeded, second.StandardOutput);
        Assert.NotEqual(digest, Oci.ManifestDigest(_project.ArchivePath));
        Assert.Equal("2026-02-03T04:05:06Z", (string?)Oci.Config(_project.ArchivePath)["created"]);
    }

    [Fact]
    public void A_code_change_over_an_earlier_publish_skips_the_sdks_image_build_and_gives_the_clean_publishs_digest()
    {
        var first = _project.Publish("-p:DrydockLoadImage=false");
        Assert.True(first.Succeeded, first.StandardOutput);

        _project.WriteFile("repro/Extra.cs", "static class Extra { public const string Greeting = \"changed\"; }");
        _project.Commit("A code change", "2026-02-03T04:05:06Z");
        var reused = _project.Publish("-p:DrydockLoadImage=false", "-v:d");
        Assert.True(reused.Succeeded, reused.StandardOutput);
        Assert.Contains("the SDK's last image is made again from them, without the SDK's image build", reused.StandardOutput);
        Assert.DoesNotContain("Task \"CreateNewImage\"", reused.StandardOutput);
        var digest = Oci.ManifestDigest(_project.ArchivePath);

        // The same commit from scratch: the SDK builds the image, to the same digest.
        _project.Git("clean", "-fdxq");
        var clean = _project.Publish("-p:DrydockLoadImage=false", "-v:d");
        Assert.True(clean.Succeeded, clean.StandardOutput);
        Assert.Contains("Drydock: the SDK builds the image: no earlier image of the SDK's is recorded", clean.StandardOutput);
        Assert.Equal(digest, Oci.ManifestDigest(_project.ArchivePath));

        // A container property changed: the SDK builds it again.
        var property = _project.Publish("-p:DrydockLoadImage=false", "-p:ContainerUser=1001", "-v:d");
        Assert.True(property.Succeeded, property.StandardOutput);
        Assert.Contains("Drydock: the SDK builds the image: the container properties changed", property.StandardOutput);
        Assert.Equal("1001", (string?)Oci.Config(_project.ArchivePath)["config"]!["User"]);
    }

    public void Dispose()
    {
        _clones.ForEach(clone => clone.Dispose());
        _project.Dispose();
    }
}
