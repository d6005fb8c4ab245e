using Drydock.Build.Diagnostics;
using System.Text.Json.Nodes;
using Drydock.Sdk.Tests.Support;
using Drydock.Tests.Verifiers;

namespace Drydock.Sdk.Tests;

/// <summary>
/// A Native AOT app, as found on real apps: the publish folder holds the binary and its split debug
/// symbols (app.dbg, larger than the binary), copied there by ILCompiler's targets after Publish. On
/// the first publish already, the image holds them; the lint flags the symbols (DRY4015) and finds the
/// runtime-deps base's user able to run the binary (no DRY4014). Its fix, CopyOutputSymbolsToPublishDirectory=false,
/// clears it on the next publish: the symbols the first one left are not carried into the image.
/// </summary>
public sealed class NativeAotSymbols : IDisposable
{
    private readonly TestProject _project = TestProject.Create(
        "aotsymbols",
        sdk: "Microsoft.NET.Sdk",
        properties: "<PublishAot>true</PublishAot><RuntimeIdentifier>linux-x64</RuntimeIdentifier><InvariantGlobalization>true</InvariantGlobalization>");

    [Fact]
    public void Aot_debug_symbols_are_flagged_and_the_binary_is_reachable()
    {
        // By default a note (the SDK's own webapiaot template copies them): in the report, not on the console.
        var publish = _project.Publish("-p:DrydockLoadImage=false", "-p:DrydockTest=false");

        Assert.True(publish.Succeeded, publish.StandardOutput);
        Assert.DoesNotContain($"warning {KnownCodes.LargeDebugSymbols}", publish.StandardOutput, StringComparison.Ordinal);
        var report = JsonNode.Parse(File.ReadAllText(Path.Combine(_project.ProjectDirectory, "bin", "Release", "net10.0", "linux-x64", "drydock.json")))!;
        Assert.Contains(report["findings"]!.AsArray(), f => (string?)f!["code"] == KnownCodes.LargeDebugSymbols && (string?)f["defaultSeverity"] == "note");
        Assert.DoesNotContain(KnownCodes.EntrypointNotAccessible, publish.StandardOutput, StringComparison.Ordinal);
        var archive = Path.Combine(_project.ProjectDirectory, "obj", "Release", "net10.0", "linux-x64", "drydock", "image.tar");
        Assert.Equal("""["/app/aotsymbols"]""", Oci.Config(archive)["config"]!["Entrypoint"]!.ToJsonString());

        // The image holds no deps.json (the packages and the runtime are in the binary): the SBOM lists them from the build's.
        var sbom = Path.Combine(_project.ProjectDirectory, "bin", "Release", "net10.0", "linux-x64", "drydock.sbom.cdx.json");
        ThirdPartyVerifiers.CycloneDx("1.6", sbom);
        var components = JsonNode.Parse(File.ReadAllText(sbom))!["components"]!.AsArray().Select(c => c!).ToArray();
        Assert.Contains(components, c => (string)c["name"]! == "aotsymbols" && (string)c["type"]! == "application");
        var runtime = Assert.Single(components, c => (string)c["type"]! == "framework");
        Assert.StartsWith("pkg:nuget/Microsoft.NETCore.App.Runtime.linux-x64@", (string)runtime["purl"]!, StringComparison.Ordinal);

        // Asked for, a warning.
        var warned = _project.Publish("-p:DrydockLoadImage=false", "-p:DrydockTest=false", "-p:DrydockWarnOnDebugSymbols=true");
        var project = Path.Combine(_project.ProjectDirectory, "aotsymbols.csproj");
        Assert.True(
            warned.StandardOutput.Contains($"{project} : warning {KnownCodes.LargeDebugSymbols}: The app layer holds debug symbols 'app/aotsymbols.dbg'", StringComparison.Ordinal),
            warned.StandardOutput);

        // DRY4015's fix works as written: the symbols the first publish left in the publish folder do not stay in the image.
        var fixedPublish = _project.Publish("-p:DrydockLoadImage=false", "-p:DrydockTest=false", "-p:DrydockWarnOnDebugSymbols=true", "-p:CopyOutputSymbolsToPublishDirectory=false");

        Assert.True(fixedPublish.Succeeded, fixedPublish.StandardOutput);
        Assert.DoesNotContain(KnownCodes.LargeDebugSymbols, fixedPublish.StandardOutput, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_project.ProjectDirectory, "bin", "Release", "net10.0", "linux-x64", "publish", "aotsymbols.dbg")));
    }

    public void Dispose() => _project.Dispose();
}
