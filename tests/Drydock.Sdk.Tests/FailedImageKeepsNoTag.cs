using Drydock.Build.Diagnostics;
using Drydock.Sdk.Tests.Support;

namespace Drydock.Sdk.Tests;

/// <summary>
/// An image that fails its tests is loaded by id only: the app's names (<c>app:main</c>, <c>app:sha-…</c>) keep
/// the image that passed before, or name nothing, so <c>docker run app:main</c> never runs the failed bytes.
/// </summary>
public sealed class FailedImageKeepsNoTag : IDisposable
{
    private TestProject? _project;

    [Theory]
    [MemberData(nameof(Oci.BothEngines), MemberType = typeof(Oci))]
    public void A_failed_image_takes_none_of_the_apps_tags_and_the_passed_one_keeps_them(string engine)
    {
        _project = TestProject.Create($"keeptag{engine}", program: TestApps.Web);
        _project.AddImageTests("""
                [Fact]
                public async Task Greets()
                {
                    await using var app = await image.StartAsync();
                    Assert.Equal("Hello from a Drydock test!", await app.Http.GetStringAsync("/"));
                }
            """);
        var passed = _project.Publish($"-p:LocalRegistry={engine}");
        Assert.True(passed.Succeeded, passed.StandardOutput);
        var good = ConfigId();
        Assert.Equal(good, IdOf(engine, "main"));
        Assert.True((bool)_project.Report()["image"]!["tagged"]!);

        _project.WriteFile($"{_project.Name}/Program.cs", """
            var app = WebApplication.CreateSlimBuilder(args).Build();
            app.MapGet("/", () => "Bonjour");
            app.Run();
            """);
        _project.Commit("Greet in French");
        var failed = _project.Publish($"-p:LocalRegistry={engine}");

        Assert.False(failed.Succeeded);
        Assert.Contains($"error {KnownCodes.TestsFailed}:", failed.StandardOutput);
        var bad = ConfigId();
        Assert.NotEqual(good, bad);
        Assert.True(Oci.Engine(engine, "image", "inspect", bad).Succeeded, $"the failed image {bad} was tested by id, so it is in {engine}");
        Assert.Equal(good, IdOf(engine, "main"));
        // The report names the tags the image would have had, and says it did not get them.
        Assert.Contains("main", _project.Report()["image"]!["tags"]!.AsArray().Select(tag => (string)tag!));
        Assert.False((bool)_project.Report()["image"]!["tagged"]!);
        var newTag = $"sha-{_project.Git("rev-parse", "--short=7", "HEAD")}";
        Assert.Null(IdOf(engine, newTag));
    }

    private string ConfigId() =>
        ((string)_project!.Report()["image"]!["configDigest"]!).Replace("sha256:", "", StringComparison.Ordinal);

    /// <summary>The id <paramref name="engine"/> gives the app's <paramref name="tag"/>; null when it names nothing.</summary>
    private string? IdOf(string engine, string tag)
    {
        var inspect = Oci.Engine(engine, "image", "inspect", "--format", "{{.Id}}", $"{_project!.Name}:{tag}");
        if (!inspect.Succeeded)
        {
            return null;
        }

        return inspect.StandardOutput.Trim().Replace("sha256:", "", StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (_project is not null)
        {
            Oci.RemoveRepository(_project.Name);
            // The failed image has no name RemoveRepository finds it by.
            if (File.Exists(_project.ReportPath))
            {
                foreach (var engine in Oci.Engines)
                {
                    Oci.Engine(engine, "rmi", "--force", ConfigId());
                }
            }

            _project.Dispose();
        }
    }
}
