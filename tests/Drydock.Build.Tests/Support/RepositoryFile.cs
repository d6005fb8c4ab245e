namespace Drydock.Build.Tests.Support;

/// <summary>Files of this repository that tests check against the code (docs, MSBuild files).</summary>
internal static class RepositoryFile
{
    private static readonly string Root = FindRoot();

    /// <summary>The text of the file at <paramref name="parts"/> below the repository root (the folder holding Sdk.sln).</summary>
    public static string Read(params string[] parts) => File.ReadAllText(Path.Combine([Root, .. parts]));

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Sdk.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Sdk.sln above {AppContext.BaseDirectory}.");
    }
}
