using Drydock.Build.Diagnostics;
using Drydock.Build.Sbom;

namespace Drydock.Build.Tests.Sbom;

/// <summary>The runtime libraries of deps.json files written by real publishes (Sbom/Data) and of hand-made ones.</summary>
public sealed class DepsJsonTests
{
    private static string Data(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Sbom", "Data", name));

    [Fact]
    public void Framework_dependent_publish_lists_the_app_and_its_runtime_package_with_its_hash()
    {
        var libraries = DepsJson.RuntimeLibraries(Data("framework-dependent.deps.json"), "App.deps.json");

        Assert.Equal(["App/1.0.0/project", "NuGet.Versioning/8.0.0/package"], libraries.Select(l => $"{l.Name}/{l.Version}/{l.Type}"));
        var versioning = libraries[1];
        // deps.json's "sha512-<base64>" (NuGet's content hash), as hex.
        Assert.Equal(Convert.ToHexStringLower(Convert.FromBase64String("BvQniE/cRs8wpEhR3iVWMab3LUgz7QStiVVzlOairH1a7VtqA8Wwsbf4HarVYq6gjoZ2max1U4XeaG/IAdAWIw==")), versioning.Sha512);
        Assert.Null(libraries[0].Sha512);
    }

    [Fact]
    public void Self_contained_publish_lists_the_runtime_pack_and_no_build_only_package()
    {
        var libraries = DepsJson.RuntimeLibraries(Data("self-contained.deps.json"), "App.deps.json");

        var pack = Assert.Single(libraries, l => l.Type == "runtimepack");
        Assert.Equal("Microsoft.NETCore.App.Runtime.linux-x64", pack.Name);
        Assert.Matches(@"^10\.0\.\d+$", pack.Version);
        Assert.Contains(libraries, l => l.Name == "NuGet.Versioning" && l.Sha512 is { Length: 128 });
        Assert.DoesNotContain(libraries, l => l.Name.Contains("SourceLink", StringComparison.Ordinal) || l.Name.Contains("StyleCop", StringComparison.Ordinal) || l.Name.Contains("Build.Tasks.Git", StringComparison.Ordinal));
    }

    [Fact]
    public void Library_without_runtime_assets_is_not_listed()
    {
        // An analyzer referenced without PrivateAssets, a build-only tool and a meta-package: entries with no runtime,
        // native, runtimeTargets or resources assets (compile-only assets ship nothing).
        const string Json = """
            {
              "runtimeTarget": { "name": ".NETCoreApp,Version=v10.0" },
              "targets": {
                ".NETCoreApp,Version=v10.0": {
                  "App/1.0.0": { "runtime": { "App.dll": {} } },
                  "StyleCop.Analyzers/1.1.118": {},
                  "Drydock.Sdk/1.0.0": { "dependencies": {} },
                  "Ref.Only/2.0.0": { "compile": { "lib/net10.0/Ref.Only.dll": {} } },
                  "Native.Lib/3.0.0": { "runtimeTargets": { "runtimes/linux-x64/native/libx.so": { "rid": "linux-x64", "assetType": "native" } } },
                  "Localized/4.0.0": { "resources": { "lib/net10.0/de/Localized.resources.dll": { "locale": "de" } } }
                }
              },
              "libraries": {
                "App/1.0.0": { "type": "project", "sha512": "" },
                "StyleCop.Analyzers/1.1.118": { "type": "package", "sha512": "sha512-AAAA" },
                "Native.Lib/3.0.0": { "type": "package", "sha512": "sha512-notbase64!" }
              }
            }
            """;

        var libraries = DepsJson.RuntimeLibraries(Json, "App.deps.json");

        Assert.Equal(["App", "Native.Lib", "Localized"], libraries.Select(l => l.Name));
        Assert.Null(libraries[1].Sha512); // not a SHA-512: no hash rather than a wrong one
        Assert.Equal("package", libraries[2].Type); // not in libraries: a package, as the SDK writes them
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("[]")]
    [InlineData("""{ "targets": {} }""")]
    [InlineData("""{ "runtimeTarget": { "name": "x" }, "targets": {} }""")]
    [InlineData("""{ "runtimeTarget": { "name": "x" }, "targets": { "x": { "NoVersion": { "runtime": { "a.dll": {} } } } } }""")]
    public void Unreadable_deps_json_is_DRY3010_naming_the_file(string json)
    {
        var e = Assert.Throws<DrydockException>(() => DepsJson.RuntimeLibraries(json, "layer 2: app/App.deps.json"));

        Assert.Equal(KnownCodes.SbomUnreadableDeps, e.Code);
        Assert.Contains("app/App.deps.json", e.Message, StringComparison.Ordinal);
        Assert.Contains("DrydockSbom=false", e.Message, StringComparison.Ordinal);
    }
}
