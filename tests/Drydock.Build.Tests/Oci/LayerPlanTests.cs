using System.Text.Json.Nodes;
using Drydock.Build.Oci;

namespace Drydock.Build.Tests.Oci;

public sealed class LayerPlanTests
{
    private static readonly JsonObject Deps = JsonNode.Parse("""
        {
          "runtimeTarget": { "name": ".NETCoreApp,Version=v10.0" },
          "targets": {
            ".NETCoreApp,Version=v10.0": {
              "web/1.0.0": { "runtime": { "web.dll": {} } },
              "Newtonsoft.Json/13.0.4": { "runtime": { "lib/net6.0/Newtonsoft.Json.dll": {} } },
              "Humanizer.Core/3.0.10": { "resources": { "lib/net8.0/de/Humanizer.resources.dll": { "locale": "de" } } },
              "SQLite/1.0.0": { "runtimeTargets": { "runtimes/linux-x64/native/libsqlite.so": { "rid": "linux-x64" } } },
              "Shared/1.0.0": { "runtime": { "Shared.dll": {} } }
            }
          },
          "libraries": {
            "web/1.0.0": { "type": "project" },
            "Newtonsoft.Json/13.0.4": { "type": "package" },
            "Humanizer.Core/3.0.10": { "type": "package" },
            "SQLite/1.0.0": { "type": "package" },
            "Shared/1.0.0": { "type": "project" }
          }
        }
        """)!.AsObject();

    [Fact]
    public void PackageFiles_PackageAssets_WherePublishPutsThem() =>
        Assert.Equal(
            ["Newtonsoft.Json.dll", "de/Humanizer.resources.dll", "runtimes/linux-x64/native/libsqlite.so"],
            LayerPlan.PackageFiles(Deps).Order(StringComparer.Ordinal));

    [Theory]
    [InlineData("Newtonsoft.Json.dll", LayerPlan.DependenciesLayer)]
    [InlineData("runtimes/linux-x64/native/libsqlite.so", LayerPlan.DependenciesLayer)]
    [InlineData("web.dll", LayerPlan.AppLayer)]
    [InlineData("Shared.dll", LayerPlan.AppLayer)]
    [InlineData("wwwroot/css/site.css", "static")]
    [InlineData("wwwroot/index.html", "static")]
    [InlineData("appsettings.json", LayerPlan.AppLayer)]
    public void LayerOf_File_LayerByRulesThenPackagesThenApp(string path, string layer)
    {
        var plan = LayerPlan.Create(Deps, [new LayerRule("static", ["wwwroot/**"])]);

        Assert.Equal(layer, plan.Layers[plan.LayerOf(path)]);
    }

    [Fact]
    public void LayerOf_RuleMatchesPackageAsset_RuleWins()
    {
        var plan = LayerPlan.Create(Deps, [new LayerRule("json", ["Newtonsoft.*.dll"])]);

        Assert.Equal(["dependencies", "json", "app"], plan.Layers);
        Assert.Equal("json", plan.Layers[plan.LayerOf("Newtonsoft.Json.dll")]);
    }

    [Fact]
    public void Create_NoDepsJson_AppAndRulesOnly() =>
        Assert.Equal(LayerPlan.AppLayer, LayerPlan.Create(null, []).Layers[LayerPlan.Create(null, []).LayerOf("Newtonsoft.Json.dll")]);
}
