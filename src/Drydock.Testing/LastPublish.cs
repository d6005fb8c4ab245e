using Drydock.Processes;
using Drydock.Runtime;

namespace Drydock.Testing;

/// <summary>
/// With no <c>DRYDOCK_IMAGE</c> (Test Explorer, a bare <c>dotnet test</c>): the image the last publish of the
/// app tested this test project against, from the <c>obj/drydock-image.json</c> that publish left in the
/// test project (<see cref="PublishedImage"/>), found by walking up from the test assembly.
/// </summary>
internal static class LastPublish
{
    // bin/<configuration>/<tfm>/ (+ a runtime identifier) sits 3–4 levels below the project; a little more for custom layouts.
    private const int MaxLevels = 8;
    private const int MaxProjectFiles = 5000;
    private static readonly TimeSpan GitTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The file nearest above <paramref name="baseDirectory"/>, or null.</summary>
    public static (PublishedImage Image, string Path)? Find(string baseDirectory)
    {
        foreach (var directory in Ancestors(baseDirectory))
        {
            var path = Path.Combine(directory.FullName, "obj", PublishedImage.FileName);
            if (File.Exists(path) && PublishedImage.Read(path) is { } image)
            {
                return (image, path);
            }
        }

        return null;
    }

    /// <summary>
    /// Which image is tested, from which commit; when the app's repository is now at another commit (<c>git
    /// rev-parse HEAD</c>), says so and how to publish this one.
    /// </summary>
    public static string Describe(PublishedImage image, string path)
    {
        var tested = $"image {Short(image.Image)} ({image.Runtime}) that '{image.PublishCommand}' last tested" +
            (image.Revision.Length > 0 ? $", built from commit {Short(image.Revision)}" : "") + $" (from {path})";
        var head = Head(Path.GetDirectoryName(image.App));
        return head is not null && image.Revision.Length > 0 && !head.Equals(image.Revision, StringComparison.OrdinalIgnoreCase)
            ? $"{tested}; the app's repository is now at commit {Short(head)}, so this image is of another commit: to test this one, run '{image.PublishCommand}' with the other -p: properties your publishes take (DrydockBaseRegistry, …)"
            : tested;
    }

    /// <summary>DRY5104 with the exact command that would give the tests an image: the app project that names this test project, when one is found in the repository.</summary>
    public static InvalidOperationException NotFound(string baseDirectory)
    {
        var project = Ancestors(baseDirectory).Select(directory => directory.GetFiles("*.csproj").FirstOrDefault()).FirstOrDefault(file => file is not null);
        var app = project is null ? null : FindApp(project);
        // Release whatever the test run's own configuration (an IDE builds tests in Debug): a Debug image is DRY4002.
        const string configuration = "Release";
        var publish = app is null
            ? $"publish the app whose project lists {(project?.Name ?? "this test project")} as a ContainerTestProject: 'dotnet publish <app>.csproj -c {configuration}'"
            : $"run '{PublishedImage.PublishCommandFor(app, configuration)}'";
        return new InvalidOperationException(
            $"{ImageTestCodes.NoImage}: no image to test: {DrydockVariables.Image} is not set and no publish left obj/{PublishedImage.FileName} above {baseDirectory}. " +
            $"To test the app's image from an IDE, {publish} once, with the -p: properties your publishes take (DrydockBaseRegistry, LocalRegistry, …; it tests the image and records it here); or set {DrydockVariables.Image} to an image reference or id, " +
            "or construct ImageUnderTest with explicit ImageOptions.");
    }

    private static IEnumerable<DirectoryInfo> Ancestors(string baseDirectory)
    {
        var directory = new DirectoryInfo(baseDirectory);
        for (var level = 0; directory is not null && level < MaxLevels; level++, directory = directory.Parent)
        {
            yield return directory;
        }
    }

    /// <summary>
    /// An app project in the repository (the nearest folder above with <c>.git</c>) whose <c>ContainerTestProject</c>
    /// names <paramref name="testProject"/>: in the project file, or in a <c>Directory.Build.props/targets</c> beside it.
    /// </summary>
    private static string? FindApp(FileInfo testProject)
    {
        var root = testProject.Directory;
        while (root is not null && !Path.Exists(Path.Combine(root.FullName, ".git")))
        {
            root = root.Parent;
        }

        root ??= testProject.Directory?.Parent;
        if (root is null)
        {
            return null;
        }

        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
        foreach (var file in Directory.EnumerateFiles(root.FullName, "*", options)
            .Where(file => Path.GetExtension(file) is ".csproj" or ".props" or ".targets"
                && !file.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or "node_modules" or ".git"))
            .Take(MaxProjectFiles))
        {
            string text;
            try
            {
                text = File.ReadAllText(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            if (text.Contains("ContainerTestProject", StringComparison.Ordinal) && text.Contains(testProject.Name, StringComparison.OrdinalIgnoreCase))
            {
                var app = file.EndsWith(".csproj", StringComparison.Ordinal) ? file : Directory.GetFiles(Path.GetDirectoryName(file)!, "*.csproj") is [var only] ? only : null;
                if (app is not null)
                {
                    return app;
                }
            }
        }

        return null;
    }

    /// <summary><c>git rev-parse HEAD</c> in <paramref name="directory"/>; null without git or a repository.</summary>
    private static string? Head(string? directory)
    {
        if (directory is null || !Directory.Exists(directory))
        {
            return null;
        }

        try
        {
            var result = ProcessRunner.Run("git", ["rev-parse", "HEAD"], GitTimeout, CancellationToken.None, workingDirectory: directory);
            return result.Succeeded ? result.StandardOutput.Trim() : null;
        }
        catch (Exception e) when (e is FileNotFoundException or TimeoutException)
        {
            return null;
        }
    }

    private static string Short(string id)
    {
        var hex = id.Replace("sha256:", "", StringComparison.Ordinal);
        return hex[..Math.Min(12, hex.Length)];
    }
}
