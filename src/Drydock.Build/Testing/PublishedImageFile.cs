using Drydock.Build.Diagnostics;
using Drydock.Runtime;

namespace Drydock.Build.Testing;

/// <summary>
/// Leaves <see cref="PublishedImage"/> in a test project's <c>obj/</c>, so its tests run from an IDE test
/// the image this publish tested (docs/image-tests.md, "From the IDE").
/// </summary>
public static class PublishedImageFile
{
    /// <summary>Writes <c>&lt;test project folder&gt;/obj/drydock-image.json</c> when its content changes; a failure to write is logged, never fatal.</summary>
    internal static void Write(string testProject, PublishedImage image, IBuildLog log)
    {
        var path = PathFor(testProject);
        var json = image.ToJson();
        try
        {
            if (File.Exists(path) && File.ReadAllText(path) == json)
            {
                return;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, json);
            log.Detail($"Drydock: wrote {path} (the image a run from an IDE tests)");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Detail($"Drydock: could not write {path}: {e.Message}");
        }
    }

    /// <summary><c>&lt;folder of <paramref name="testProject"/>&gt;/obj/drydock-image.json</c>.</summary>
    public static string PathFor(string testProject) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(testProject))!, "obj", PublishedImage.FileName);
}
