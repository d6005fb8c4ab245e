using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Drydock.Build.Policy;

/// <summary>
/// One JSON file of a cache on disk (<see cref="LayerIndexCache"/>, <see cref="LintResultCache"/>): read, or null when it is
/// missing or unreadable (the work is then done again); written whole, to a temp file renamed into place, so parallel
/// builds never see half of one, or not at all (a cache that cannot be written only costs time next run).
/// </summary>
internal static class JsonCacheFile
{
    public static T? TryRead<T>(string path, JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), type);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    public static void Write<T>(string path, T value, JsonTypeInfo<T> type)
    {
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(value, type));
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }
}
