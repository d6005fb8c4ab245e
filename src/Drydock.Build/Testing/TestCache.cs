using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Drydock.Build.Testing;

/// <summary>
/// Remembers test runs that passed, keyed by what decides their outcome: the image digest, the test
/// assemblies (by content) and the test profile. A publish of an image that already passed the same
/// tests under the same limits does not run them again.
/// </summary>
public sealed class TestCache(string directory)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static string Key(string imageDigest, IEnumerable<string> assemblies, IReadOnlyDictionary<string, string> profile)
    {
        var text = new StringBuilder().Append(imageDigest).Append('\n');
        foreach (var (name, value) in profile.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            text.Append(name).Append('=').Append(value).Append('\n');
        }

        foreach (var assembly in assemblies.Order(StringComparer.Ordinal))
        {
            using var stream = File.OpenRead(assembly);
            text.Append(Path.GetFileName(assembly)).Append(' ').Append(Convert.ToHexStringLower(SHA256.HashData(stream))).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    public TestRunResult? Find(string key)
    {
        var path = PathOf(key);
        return File.Exists(path) ? JsonSerializer.Deserialize<TestRunResult>(File.ReadAllText(path), Json)! with { Cached = true } : null;
    }

    public void Remember(string key, TestRunResult result)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(PathOf(key), JsonSerializer.Serialize(result, Json));
    }

    private string PathOf(string key) => Path.Combine(directory, key + ".json");
}
