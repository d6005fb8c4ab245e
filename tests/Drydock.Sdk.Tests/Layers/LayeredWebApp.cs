using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json.Nodes;
using Drydock.Sdk.Tests.Support;
using Drydock.Tests.Registry;

namespace Drydock.Sdk.Tests.Layers;

/// <summary>
/// A web app with three NuGet packages: the app layer is split into the packages' assets and the app's
/// own files, which partition the published files exactly; after a one-line code change (a new commit)
/// the push uploads one layer blob (and the config), counted at a proxy in front of the registry. A
/// ContainerLayer item adds a layer for the static files; DrydockLayering=false keeps one app layer.
/// </summary>
public sealed class LayeredWebApp : IDisposable
{
    private readonly string _repository = "platform-tests/layers-" + Guid.NewGuid().ToString("N")[..8];
    private readonly TestProject _project;

    public LayeredWebApp()
    {
        _project = TestProject.Create(
            "layered",
            properties: $"<ContainerRepository>{_repository}</ContainerRepository>",
            program: Program("Hello"),
            items: """
                <PackageReference Include="Newtonsoft.Json" Version="13.0.4" />
                <PackageReference Include="YamlDotNet" Version="18.1.0" />
                <PackageReference Include="Humanizer.Core" Version="3.0.10" />
                """);
        _project.WriteFile("layered/wwwroot/index.html", "<h1>static</h1>");
        _project.Commit("Static files");
    }

    [Fact]
    public async Task Packages_static_files_and_app_are_separate_layers_and_a_code_change_pushes_one()
    {
        await using var proxy = RegistryProxy.Start(new Uri($"http://{RegistryServer.SharedHost}/"));
        var first = _project.Publish($"-p:ContainerRegistry={proxy.Host}", "-p:LocalRegistry=Podman", "-p:DrydockLoadImage=false");

        Assert.True(first.Succeeded, first.StandardOutput + first.StandardError);
        var layers = AppLayers(_project.ArchivePath);
        Assert.Equal(2, layers.Count);
        Assert.Equal(["Humanizer.dll", "Newtonsoft.Json.dll", "YamlDotNet.dll"], layers[0].Files);
        Assert.Contains("layered.dll", layers[1].Files);
        Assert.Contains("wwwroot/index.html", layers[1].Files);
        // Every published file is in exactly one layer.
        var published = Directory.GetFiles(Path.Combine(_project.ProjectDirectory, "bin", "Release", "net10.0", "publish"), "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Path.Combine(_project.ProjectDirectory, "bin", "Release", "net10.0", "publish"), f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);
        Assert.Equal(published, layers.SelectMany(l => l.Files).Order(StringComparer.Ordinal));

        // A real change: a new string literal. Only the app layer (and the config) are new blobs.
        _project.WriteFile("layered/Program.cs", Program("Hello, changed"));
        _project.Commit("Change the greeting", "2026-02-03T04:05:06Z");
        var before = proxy.Requests.Count;
        var second = _project.Publish($"-p:ContainerRegistry={proxy.Host}", "-p:LocalRegistry=Podman", "-p:DrydockLoadImage=false");

        Assert.True(second.Succeeded, second.StandardOutput);
        var changed = AppLayers(_project.ArchivePath);
        Assert.Equal(layers[0].Digest, changed[0].Digest);
        Assert.NotEqual(layers[1].Digest, changed[1].Digest);
        var uploads = proxy.Requests.Skip(before)
            .Where(r => r.Method == "PUT" && r.Path.Contains("/blobs/uploads/", StringComparison.Ordinal) && r.Status == 201)
            .Select(r => r.Target.Split("digest=")[1].Split('&')[0].Replace("%3A", ":", StringComparison.OrdinalIgnoreCase))
            .ToHashSet();
        var config = (string)_project.Report()["image"]!["configDigest"]!;
        // Of the image's blobs; the attestations' blobs name the new commit, so they are new too.
        uploads.IntersectWith(changed.Select(layer => layer.Digest).Append(config));
        Assert.Equal(new HashSet<string> { changed[1].Digest, config }, uploads);
        Assert.Equal(2, (int)_project.Report()["push"]!["blobsUploaded"]!);

        // A ContainerLayer for the static files: a third layer between the packages and the app.
        _project.WriteFile("layered/Directory.Build.targets", """
            <Project><ItemGroup><ContainerLayer Include="static" Files="wwwroot/**" /></ItemGroup></Project>
            """);
        var named = _project.Publish("-p:DrydockLoadImage=false");
        Assert.True(named.Succeeded, named.StandardOutput);
        var three = AppLayers(_project.ArchivePath);
        Assert.Equal(3, three.Count);
        Assert.Equal(layers[0].Digest, three[0].Digest);
        Assert.NotEmpty(three[1].Files);
        Assert.All(three[1].Files, file => Assert.StartsWith("wwwroot/", file, StringComparison.Ordinal));
        Assert.DoesNotContain(three[2].Files, file => file.StartsWith("wwwroot/", StringComparison.Ordinal));
        Assert.Equal(published, three.SelectMany(l => l.Files).Order(StringComparer.Ordinal));

        // Opt-out: one app layer, as the SDK builds it.
        var single = _project.Publish("-p:DrydockLayering=false", "-p:DrydockLoadImage=false");
        Assert.True(single.Succeeded, single.StandardOutput);
        Assert.Single(AppLayers(_project.ArchivePath));
    }

    public void Dispose() => _project.Dispose();

    private static string Program(string greeting) => $$"""
        var app = WebApplication.CreateSlimBuilder(args).Build();
        app.MapGet("/", () => Newtonsoft.Json.JsonConvert.SerializeObject(new { greeting = "{{greeting}}", yaml = new YamlDotNet.Serialization.Serializer().Serialize(1).Trim() }));
        app.Run();
        """;

    /// <summary>The layers above the base (the base has no /app), each with its digest and its files relative to /app.</summary>
    private static List<(string Digest, string[] Files)> AppLayers(string archive)
    {
        var folder = Path.Combine(Path.GetTempPath(), "drydock-layers-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        try
        {
            TarFile.ExtractToDirectory(archive, folder, overwriteFiles: true);
            var index = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "index.json")))!;
            var manifest = JsonNode.Parse(File.ReadAllText(Blob(folder, (string)index["manifests"]![0]!["digest"]!)))!;
            var result = new List<(string, string[])>();
            foreach (var layer in manifest["layers"]!.AsArray())
            {
                var digest = (string)layer!["digest"]!;
                using var gzip = new GZipStream(File.OpenRead(Blob(folder, digest)), CompressionMode.Decompress);
                using var reader = new TarReader(gzip);
                var files = new List<string>();
                var app = false;
                while (reader.GetNextEntry() is { } entry)
                {
                    var name = entry.Name.TrimStart('.', '/');
                    app |= name.StartsWith("app", StringComparison.Ordinal);
                    if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile && name.StartsWith("app/", StringComparison.Ordinal))
                    {
                        files.Add(name["app/".Length..]);
                    }
                }

                if (app)
                {
                    result.Add((digest, files.Order(StringComparer.Ordinal).ToArray()));
                }
            }

            return result;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string Blob(string folder, string digest) => Path.Combine(folder, "blobs", "sha256", digest["sha256:".Length..]);
}
