using System.Text.Json.Nodes;

namespace Drydock.Build.Oci.Registry;

/// <summary>
/// What Drydock records about a build in the pushed manifest's annotations and its config (so the record travels with
/// the registry): the commit, the base image's digest, the SDK, the build configuration and the platform. Two records
/// compared say why one commit built to other bytes — the answer a publish gives when a tag already names other bytes.
/// </summary>
public sealed record BuildRecord(IReadOnlyDictionary<string, string> Facts)
{
    public const string RevisionKey = "org.opencontainers.image.revision";

    /// <summary>The facts compared, in the order a message names them, with the words it uses.</summary>
    private static readonly (string Key, string Name)[] Compared =
    [
        ("org.opencontainers.image.base.digest", "base image digest"),
        ("org.opencontainers.image.base.name", "base image"),
        ("io.drydock.build.sdk", "SDK"),
        ("platform", "platform (runtime identifier)"),
        ("io.drydock.build.configuration", "configuration"),
        ("io.drydock.git.dirty", "uncommitted changes"),
    ];

    /// <summary>The facts named by their own words (<see cref="Compared"/>, the commit, the platform); any other that changed is named by its key.</summary>
    private static readonly HashSet<string> Named = [.. Compared.Select(fact => fact.Key), RevisionKey, "platform"];

    public string? Revision => Facts.GetValueOrDefault(RevisionKey);

    /// <summary>
    /// The record of an image manifest (its annotations) and its config (labels, <c>os</c>/<c>architecture</c>/<c>variant</c>),
    /// or of an index (its annotations and its manifests' platforms). A fact found in neither is absent, never empty.
    /// </summary>
    public static BuildRecord Read(JsonObject manifest, JsonObject? config)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var facts = new Dictionary<string, string>(StringComparer.Ordinal);
        void Add(JsonNode? from)
        {
            foreach (var (key, value) in from as JsonObject ?? [])
            {
                if (OciJson.GetString(value) is { Length: > 0 } text)
                {
                    facts.TryAdd(key, text);
                }
            }
        }

        Add(manifest["annotations"]);
        Add(config?["config"]?["Labels"]);
        if (config is not null)
        {
            facts["platform"] = Platform(config);
        }
        else if (manifest["manifests"] is JsonArray entries)
        {
            facts["platform"] = string.Join(", ", entries
                .Select(entry => entry?["platform"] as JsonObject)
                .OfType<JsonObject>()
                .Select(Platform)
                .Order(StringComparer.Ordinal));
        }

        return new BuildRecord(facts);
    }

    /// <summary>
    /// Why <paramref name="now"/> differs from <paramref name="before"/>: each recorded fact that changed, as
    /// <c>SDK 10.0.100 → 10.0.401</c>, then every other label or annotation that changed, by key (a description, a
    /// branch, the CI); a sentence saying nothing recorded changed when none did.
    /// </summary>
    public static string Explain(BuildRecord before, BuildRecord now)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(now);
        var changes = Compared
            .Select(fact => (fact.Name, Before: before.Facts.GetValueOrDefault(fact.Key), Now: now.Facts.GetValueOrDefault(fact.Key)))
            .Where(fact => fact.Before != fact.Now)
            .Select(fact => $"{fact.Name} {fact.Before ?? "(not recorded)"} → {fact.Now ?? "(not recorded)"}")
            .ToList();
        if (before.Revision != now.Revision)
        {
            changes.Insert(0, $"commit {before.Revision ?? "(not recorded)"} → {now.Revision ?? "(not recorded)"}");
        }

        changes.AddRange(before.Facts.Keys.Union(now.Facts.Keys)
            .Where(key => !Named.Contains(key) && before.Facts.GetValueOrDefault(key) != now.Facts.GetValueOrDefault(key))
            .Order(StringComparer.Ordinal)
            .Select(key => $"label {key} {Quoted(before.Facts.GetValueOrDefault(key))} → {Quoted(now.Facts.GetValueOrDefault(key))}"));

        return changes.Count > 0
            ? string.Join("; ", changes)
            : "nothing Drydock records changed (commit, base image, SDK, platform, configuration, labels): a build property it does not record, or a non-deterministic step of the app's own build";
    }

    /// <summary>
    /// What keeps one commit's image stable, for what changed between <paramref name="before"/> and <paramref name="now"/>:
    /// e.g. <c>pin ContainerBaseImage by digest</c> for a moved base; one clause per kind of change, none repeated.
    /// </summary>
    public static IEnumerable<string> Remedies(BuildRecord before, BuildRecord now)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(now);
        bool Changed(string key) => before.Facts.GetValueOrDefault(key) != now.Facts.GetValueOrDefault(key);
        var remedies = new List<string>();
        if (Changed("org.opencontainers.image.base.digest") || Changed("org.opencontainers.image.base.name"))
        {
            remedies.Add("pin ContainerBaseImage by digest");
        }

        if (Changed("io.drydock.build.sdk"))
        {
            remedies.Add("pin the SDK in global.json");
        }

        if (Changed("platform") || Changed("io.drydock.build.configuration"))
        {
            remedies.Add("publish with the same runtime identifier and configuration");
        }

        if (Changed("org.opencontainers.image.source"))
        {
            remedies.Add("set RepositoryUrl, which wins over the CI's repository and the git remote 'origin' the source label comes from");
        }

        if (before.Facts.Keys.Union(now.Facts.Keys).Any(key => !Named.Contains(key) && key != "org.opencontainers.image.source" && Changed(key)))
        {
            remedies.Add("publish the commit with the same properties and CI context as before (the labels named come from them)");
        }

        return remedies.Count > 0 ? remedies
            : ["find the step of the app's build that is not deterministic (a time, a random value, an absolute path in its output)"];
    }

    /// <summary>A label's value as a message shows it: quoted, at most 60 characters.</summary>
    private static string Quoted(string? value) => value switch
    {
        null => "(none)",
        { Length: > 60 } => $"\"{value[..57]}…\"",
        _ => $"\"{value}\"",
    };

    private static string Platform(JsonObject node)
    {
        var os = OciJson.GetString(node["os"]) ?? "?";
        var architecture = OciJson.GetString(node["architecture"]) ?? "?";
        return OciJson.GetString(node["variant"]) is { Length: > 0 } variant ? $"{os}/{architecture}/{variant}" : $"{os}/{architecture}";
    }
}
