namespace Drydock.Sdk.Tests.Support;

internal static class Paths
{
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string Feed => Path.Combine(RepositoryRoot, "artifacts", "feed");

    /// <summary>Where every temp project restores into (see eng/env.sh): never the user's global cache.</summary>
    public static string NuGetPackages =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } folder ? folder : Path.Combine(RepositoryRoot, "artifacts", "nuget-packages");

    public static string Registry =>
        Environment.GetEnvironmentVariable("DRYDOCK_TEST_REGISTRY") is { Length: > 0 } registry ? registry : "localhost:5000";

    public static string ContainersConf => Path.Combine(RepositoryRoot, "eng", "containers.conf");

    /// <summary>The version of the Drydock.Sdk package in the feed, packed by eng/pack.sh.</summary>
    public static string PackageVersion { get; } = FindPackageVersion();

    private static string FindRepositoryRoot()
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

    private static string FindPackageVersion()
    {
        const string prefix = "Drydock.Sdk.";
        var package = Directory.Exists(Feed) ? Directory.GetFiles(Feed, prefix + "*.nupkg").OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault() : null;
        return package is null
            ? throw new InvalidOperationException($"No Drydock.Sdk package in {Feed}: run eng/pack.sh (./build.sh test does).")
            : Path.GetFileNameWithoutExtension(package)[prefix.Length..];
    }
}
