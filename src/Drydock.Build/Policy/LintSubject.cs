using System.Text.Json.Nodes;
using Drydock.Build.Oci;

namespace Drydock.Build.Policy;

/// <summary>
/// Everything the rules look at, read once: the runtime settings of the image config
/// (https://github.com/opencontainers/image-spec/blob/main/config.md, <c>config</c> object), the layers'
/// files, and the build's <see cref="LintContext"/>.
/// </summary>
internal sealed class LintSubject
{
    public LintSubject(JsonObject imageConfig, IReadOnlyList<Descriptor> layers, ImageFileSystem files, LintContext context)
    {
        var config = imageConfig["config"] as JsonObject ?? [];
        User = OciJson.GetString(config[ConfigField.User]) ?? "";
        WorkingDir = OciJson.GetString(config[ConfigField.WorkingDir]);
        Env = ReadEnv(config[ConfigField.Env] as JsonArray);
        Labels = (config[ConfigField.Labels] as JsonObject ?? [])
            .Select(label => (label.Key, OciJson.GetString(label.Value) ?? ""))
            .ToList();
        ExposedPorts = (config[ConfigField.ExposedPorts] as JsonObject ?? []).Select(port => port.Key).ToList();
        Entrypoint = ReadStrings(config[ConfigField.Entrypoint] as JsonArray);
        Cmd = ReadStrings(config[ConfigField.Cmd] as JsonArray);
        Layers = layers;
        Files = files;
        Context = context;
    }

    /// <summary>Field names of the config's <c>config</c> object, as the image spec spells them.</summary>
    private static class ConfigField
    {
        public const string User = "User";
        public const string WorkingDir = "WorkingDir";
        public const string Env = "Env";
        public const string Labels = "Labels";
        public const string ExposedPorts = "ExposedPorts";
        public const string Entrypoint = "Entrypoint";
        public const string Cmd = "Cmd";
    }

    /// <summary><c>config.User</c>: <c>user</c>, <c>uid</c>, <c>user:group</c> and so on; empty means the runtime's default, root.</summary>
    public string User { get; }

    public string? WorkingDir { get; }

    /// <summary><c>config.Env</c>, each <c>KEY=VALUE</c> split at the first <c>=</c>, in order.</summary>
    public IReadOnlyList<(string Key, string Value)> Env { get; }

    public IReadOnlyList<(string Key, string Value)> Labels { get; }

    /// <summary><c>config.ExposedPorts</c> keys: <c>port/tcp</c>, <c>port/udp</c> or <c>port</c> (tcp).</summary>
    public IReadOnlyList<string> ExposedPorts { get; }

    public IReadOnlyList<string> Entrypoint { get; }

    public IReadOnlyList<string> Cmd { get; }

    /// <summary>What the runtime executes: <c>Entrypoint</c> followed by <c>Cmd</c>; empty when neither is set.</summary>
    public IReadOnlyList<string> Command => [.. Entrypoint, .. Cmd];

    public IReadOnlyList<Descriptor> Layers { get; }

    public ImageFileSystem Files { get; }

    public LintContext Context { get; }

    /// <summary>The last value of <paramref name="key"/> in <c>config.Env</c> (as a process would see it), or null.</summary>
    public string? EnvValue(string key) =>
        Env.LastOrDefault(variable => variable.Key == key) is { Key: not null } found ? found.Value : null;

    private static List<string> ReadStrings(JsonArray? array) =>
        (array ?? []).Select(OciJson.GetString).OfType<string>().ToList();

    private static List<(string Key, string Value)> ReadEnv(JsonArray? env) =>
        (env ?? [])
            .Select(OciJson.GetString)
            .OfType<string>()
            .Select(variable => variable.IndexOf('=', StringComparison.Ordinal) is var at and >= 0
                ? (variable[..at], variable[(at + 1)..])
                : (variable, ""))
            .ToList();
}
