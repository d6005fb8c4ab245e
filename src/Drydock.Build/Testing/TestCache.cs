using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Drydock.Build.Testing;

/// <summary>
/// Everything one test run reads, so everything its outcome may depend on: what the run is handed
/// (the <c>DRYDOCK_*</c> environment: image id and digest, runtime, profile; the <c>dotnet test</c>
/// command line), the engine they reach, the test project's whole output folder (assemblies, data files copied to output,
/// xunit.runner.json, the runtimeconfig), its run settings, and the tooling that runs it.
/// </summary>
public sealed record TestRunInputs
{
    /// <summary>The variables the run gets, but the run id (new each publish); null values (removed variables) do not count.</summary>
    public required IReadOnlyDictionary<string, string?> Environment { get; init; }

    /// <summary>The arguments of <c>dotnet test</c>.</summary>
    public required IReadOnlyList<string> CommandLine { get; init; }

    /// <summary>The test project's output folder (its <c>TargetPath</c>'s folder), read recursively.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>The project's <c>.runsettings</c> (<c>RunSettingsFilePath</c>), when it has one.</summary>
    public string? RunSettings { get; init; }

    /// <summary>The SDK version, the installed shared frameworks the test host may roll forward to, and this runner's build.</summary>
    public required string Tooling { get; init; }

    /// <summary>The engine's endpoint (<see cref="ImageTestSettings.Engine"/>): the tests inherit it, so it is no variable of <see cref="Environment"/>.</summary>
    public string Engine { get; init; } = "";
}

/// <summary>
/// Remembers test runs that passed, keyed by <see cref="TestRunInputs"/>: a file's content, not its
/// time, counts, and any file of the test output folder counts, so a changed data file runs the tests
/// again. A publish of an image that already passed the same tests under the same limits does not
/// run them again.
/// </summary>
public sealed class TestCache(string directory)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>New for every publish, so never part of the key.</summary>
    private const string RunIdVariable = "DRYDOCK_RUN_ID";

    /// <returns>64 lowercase hex digits (SHA-256 over a line per input).</returns>
    public static string Key(TestRunInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var text = new StringBuilder().Append("tooling ").Append(inputs.Tooling).Append('\n').Append("engine ").Append(inputs.Engine).Append('\n');
        foreach (var argument in inputs.CommandLine)
        {
            text.Append("arg ").Append(argument).Append('\n');
        }

        foreach (var (name, value) in inputs.Environment.Where(pair => pair.Value is not null && pair.Key != RunIdVariable).OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            text.Append("env ").Append(name).Append('=').Append(value).Append('\n');
        }

        text.Append("runsettings ").Append(inputs.RunSettings is { } settings && File.Exists(settings) ? Hash(settings) : "none").Append('\n');
        var root = Path.GetFullPath(inputs.OutputDirectory);
        var files = Directory.GetFiles(root, "*", SearchOption.AllDirectories)
            .Select(file => (Relative: Path.GetRelativePath(root, file).Replace('\\', '/'), Full: file))
            .OrderBy(file => file.Relative, StringComparer.Ordinal);
        foreach (var (relative, full) in files)
        {
            text.Append("file ").Append(relative).Append(' ').Append(Hash(full)).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    public TestRunResult? Find(string key)
    {
        var path = PathOf(key);
        // No phases: none of the earlier run's time was spent by this publish.
        return File.Exists(path) ? JsonSerializer.Deserialize<TestRunResult>(File.ReadAllText(path), Json)! with { Cached = true, Phases = null } : null;
    }

    public void Remember(string key, TestRunResult result)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(PathOf(key), JsonSerializer.Serialize(result, Json));
    }

    private string PathOf(string key) => Path.Combine(directory, key + ".json");

    private static string Hash(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
