using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Drydock.Build.Oci;

/// <summary>A named layer the project asks for (<c>ContainerLayer</c> items): the files matching its globs, relative to the app folder.</summary>
public sealed record LayerRule(string Name, IReadOnlyList<string> Globs);

/// <summary>
/// How the app's files are split into layers, least likely to change first, so a code change leaves the
/// lower layers' digests alone and a push uploads only the last one:
/// <list type="number">
/// <item>the NuGet packages' runtime assets (<c>runtime</c>, <c>native</c>, <c>resources</c> and
/// <c>runtimeTargets</c> of every <c>package</c> library in the app's deps.json,
/// https://github.com/dotnet/sdk/blob/main/documentation/specs/runtime-configuration-file.md);</item>
/// <item>each <see cref="LayerRule"/>, in the order given (a file matching one goes there, even a package asset);</item>
/// <item>the rest: the app's own files.</item>
/// </list>
/// Paths are relative to the app folder (the SDK's <c>ContainerWorkingDirectory</c>), with <c>/</c>.
/// Glob syntax: <c>**</c> any path, <c>*</c> any name part, <c>?</c> one character.
/// </summary>
public sealed class LayerPlan
{
    public const string DependenciesLayer = "dependencies";
    public const string AppLayer = "app";

    private readonly HashSet<string> packageFiles;
    private readonly List<(string Name, Regex[] Globs)> rules;
    private readonly List<string> layers;

    private LayerPlan(HashSet<string> packageFiles, IReadOnlyList<LayerRule> rules)
    {
        this.packageFiles = packageFiles;
        this.rules = rules.Select(r => (r.Name, r.Globs.Select(Glob).ToArray())).ToList();
        layers = [DependenciesLayer, .. this.rules.Select(r => r.Name).Distinct(StringComparer.Ordinal), AppLayer];
    }

    /// <summary>The layer names, bottom to top. Empty ones are left out of the image.</summary>
    public IReadOnlyList<string> Layers => layers;

    /// <summary>A plan from the app's deps.json (null: no package layer, only the rules) and the project's rules.</summary>
    public static LayerPlan Create(JsonObject? depsJson, IReadOnlyList<LayerRule> rules) =>
        new(depsJson is null ? [] : PackageFiles(depsJson), rules);

    /// <summary>The layer (an index into <see cref="Layers"/>) of a file at <paramref name="relativePath"/>.</summary>
    public int LayerOf(string relativePath)
    {
        for (var i = 0; i < rules.Count; i++)
        {
            if (rules[i].Globs.Any(glob => glob.IsMatch(relativePath)))
            {
                return layers.IndexOf(rules[i].Name);
            }
        }

        return packageFiles.Contains(relativePath) ? 0 : Layers.Count - 1;
    }

    /// <summary>Where the SDK's publish puts each package asset of deps.json, relative to the app folder.</summary>
    internal static HashSet<string> PackageFiles(JsonObject depsJson)
    {
        var files = new HashSet<string>(StringComparer.Ordinal);
        var libraries = depsJson["libraries"] as JsonObject ?? [];
        var target = OciJson.GetString((depsJson["runtimeTarget"] as JsonObject)?["name"]);
        if (target is null || (depsJson["targets"] as JsonObject)?[target] is not JsonObject entries)
        {
            return files;
        }

        foreach (var (library, node) in entries)
        {
            if (OciJson.GetString((libraries[library] as JsonObject)?["type"]) != "package" || node is not JsonObject assets)
            {
                continue;
            }

            // runtime and native assets are published flat; resources under their culture; runtimeTargets
            // (RID-specific assets of a portable app) at their own path.
            foreach (var section in (string[])["runtime", "native"])
            {
                foreach (var (path, _) in assets[section] as JsonObject ?? [])
                {
                    files.Add(Path.GetFileName(path));
                }
            }

            foreach (var (path, value) in assets["resources"] as JsonObject ?? [])
            {
                if (OciJson.GetString((value as JsonObject)?["locale"]) is { Length: > 0 } locale)
                {
                    files.Add($"{locale}/{Path.GetFileName(path)}");
                }
            }

            foreach (var (path, _) in assets["runtimeTargets"] as JsonObject ?? [])
            {
                files.Add(path);
            }
        }

        return files;
    }

    private static Regex Glob(string glob)
    {
        var pattern = Regex.Escape(glob.Replace('\\', '/').TrimStart('/'))
            .Replace(@"\*\*/", "(.*/)?", StringComparison.Ordinal)
            .Replace(@"\*\*", ".*", StringComparison.Ordinal)
            .Replace(@"\*", "[^/]*", StringComparison.Ordinal)
            .Replace(@"\?", "[^/]", StringComparison.Ordinal);
        return new Regex($"^{pattern}$", RegexOptions.CultureInvariant);
    }
}
