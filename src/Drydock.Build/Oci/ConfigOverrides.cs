using System.Text.Json.Nodes;

namespace Drydock.Build.Oci;

/// <summary>
/// Puts the project's labels and environment variables into an image config exactly. Needed for
/// multi-platform images: the SDK passes them to its per-RID inner builds as <c>key:value</c> lists
/// and splits them again at the first <c>:</c> after the key, so a value holding <c>:</c> (a URL, an
/// RFC 3339 time, <c>registry:port/name</c>) arrives cut (Microsoft.NET.Build.Containers.targets,
/// <c>_ParseItemsForPublishingSingleContainer</c>, SDK 10.0.401). Single-platform images get the same
/// values they already have.
/// </summary>
internal static class ConfigOverrides
{
    public static JsonObject Apply(JsonObject config, NormalizeOptions options)
    {
        if (options.Labels.Count == 0 && options.Environment.Count == 0)
        {
            return config;
        }

        var copy = (JsonObject)config.DeepClone();
        if (copy["config"] is not JsonObject runtime)
        {
            runtime = [];
            copy["config"] = runtime;
        }

        if (options.Labels.Count > 0)
        {
            if (runtime["Labels"] is not JsonObject labels)
            {
                labels = [];
                runtime["Labels"] = labels;
            }

            foreach (var (key, value) in options.Labels.OrderBy(l => l.Key, StringComparer.Ordinal))
            {
                labels[key] = value;
            }
        }

        if (options.Environment.Count > 0)
        {
            if (runtime["Env"] is not JsonArray env)
            {
                env = [];
                runtime["Env"] = env;
            }

            foreach (var (key, value) in options.Environment.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                var entry = $"{key}={value}";
                var at = env.Select((node, i) => (Name: OciJson.GetString(node)?.Split('=')[0], i)).FirstOrDefault(e => e.Name == key);
                if (at.Name is null)
                {
                    env.Add(entry);
                }
                else
                {
                    env[at.i] = entry;
                }
            }
        }

        return copy;
    }
}
