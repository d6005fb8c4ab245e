using System.Text.Json;
using System.Text.Json.Nodes;
using Drydock.Build.Diagnostics;

namespace Drydock.Build.Sbom;

/// <summary>One library the app loads at run time, as the publish's <c>*.deps.json</c> lists it.</summary>
/// <param name="Name">The package id, project name or runtime pack name (<c>Microsoft.NETCore.App.Runtime.linux-x64</c>).</param>
/// <param name="Version">The version as deps.json writes it (NuGet's normalized form).</param>
/// <param name="Type"><c>package</c>, <c>project</c> or <c>runtimepack</c>.</param>
/// <param name="Sha512">The hash deps.json carries for a package (<c>sha512-&lt;base64&gt;</c>: NuGet's content hash of the package, as lock files carry it; a signed package's leaves its signature out), as lowercase hex; null when there is none.</param>
public sealed record DepsLibrary(string Name, string Version, string Type, string? Sha512);

/// <summary>
/// The libraries of a publish's <c>*.deps.json</c> (https://github.com/dotnet/runtime/blob/main/docs/design/features/host-probing.md
/// and the SDK's DependencyContextWriter): the entries of the <c>runtimeTarget</c>'s target that contribute
/// assets at run time (<c>runtime</c>, <c>native</c>, <c>runtimeTargets</c>, <c>resources</c>), with the type
/// and hash from <c>libraries</c>. Build-only packages (analyzers, <c>PrivateAssets="all"</c> tools such as
/// SourceLink or Drydock itself) contribute no such asset, so they are never listed: scanners that read
/// <c>libraries</c> or project.assets.json over-report them (dotnet/sdk#39400, anchore/syft#4970).
/// </summary>
public static class DepsJson
{
    private static readonly string[] RuntimeAssetKinds = ["runtime", "native", "runtimeTargets", "resources"];

    /// <summary>The runtime libraries of <paramref name="json"/>, in file order. DRY3010 when it is not a deps.json.</summary>
    /// <param name="where">Where the file is, for the message (<c>layer 3: app/App.deps.json</c>).</param>
    public static IReadOnlyList<DepsLibrary> RuntimeLibraries(string json, string where)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json) as JsonObject ?? throw Unreadable(where, "it is not a JSON object");
        }
        catch (JsonException e)
        {
            throw Unreadable(where, $"it is not valid JSON ({e.Message})");
        }

        var targetName = (root["runtimeTarget"] as JsonObject)?["name"]?.GetValueKind() == JsonValueKind.String
            ? (string)root["runtimeTarget"]!["name"]!
            : throw Unreadable(where, "it has no runtimeTarget.name");
        var target = root["targets"]?[targetName] as JsonObject ?? throw Unreadable(where, $"its targets have no '{targetName}' (the runtimeTarget)");
        var libraries = root["libraries"] as JsonObject ?? [];

        var result = new List<DepsLibrary>();
        foreach (var (key, assets) in target)
        {
            if (assets is not JsonObject entry || !RuntimeAssetKinds.Any(kind => entry[kind] is JsonObject { Count: > 0 }))
            {
                continue;
            }

            var slash = key.LastIndexOf('/');
            if (slash <= 0 || slash == key.Length - 1)
            {
                throw Unreadable(where, $"its library key '{key}' is not <name>/<version>");
            }

            var library = libraries[key] as JsonObject;
            var type = library?["type"]?.GetValueKind() == JsonValueKind.String ? (string)library["type"]! : "package";
            var name = key[..slash];
            if (type == "runtimepack" && name.StartsWith("runtimepack.", StringComparison.Ordinal))
            {
                name = name["runtimepack.".Length..];
            }

            result.Add(new DepsLibrary(name, key[(slash + 1)..], type, Sha512Hex(library?["sha512"])));
        }

        return result;
    }

    private static string? Sha512Hex(JsonNode? node)
    {
        const string Prefix = "sha512-";
        if (node?.GetValueKind() != JsonValueKind.String || (string)node! is not { } text || !text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        Span<byte> hash = stackalloc byte[64];
        return Convert.TryFromBase64String(text[Prefix.Length..], hash, out var written) && written == 64
            ? Convert.ToHexStringLower(hash)
            : null;
    }

    private static DrydockException Unreadable(string where, string why) =>
        new(KnownCodes.SbomUnreadableDeps, $"The image's {where} cannot be read for the SBOM: {why}. Publish again from a clean output (it is the SDK's file), or set DrydockSbom=false to build no SBOM.");
}
