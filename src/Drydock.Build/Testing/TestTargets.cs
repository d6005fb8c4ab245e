using Drydock.Build.Oci;
using Drydock.Build.Runtime;

namespace Drydock.Build.Testing;

/// <summary>One image a publish tests: one platform's of a multi-platform image, or the single-platform image.</summary>
/// <param name="Platform"><c>os/architecture[/variant]</c>, handed to the tests as <c>DRYDOCK_IMAGE_PLATFORM</c>; null when unknown.</param>
/// <param name="ImageId">Its config digest: what the engine starts.</param>
/// <param name="ImageDigest">Its manifest digest.</param>
/// <param name="ResultsDirectory">Where its TRX files go.</param>
/// <param name="Emulated">It runs here under emulation.</param>
public sealed record TestTarget(string? Platform, string ImageId, string ImageDigest, string ResultsDirectory, bool Emulated);

/// <summary>A platform of a multi-platform image, as <c>ReadImage</c> describes it (<see cref="TestPlatforms.Choose"/> set <paramref name="Test"/> and <paramref name="Note"/>).</summary>
public sealed record IndexPlatform(string Platform, string ConfigDigest, string ManifestDigest, bool Test, bool Emulated, string Note);

/// <summary>Which images a publish's image tests run against, in which order, with which results folder.</summary>
public static class TestTargets
{
    /// <summary>
    /// The platforms to test (<see cref="IndexPlatform.Test"/>): the native ones first, so a failure that
    /// is not about emulation shows before the slow emulated run; each with its own results folder
    /// <c>&lt;results&gt;/&lt;os&gt;-&lt;arch&gt;</c>, so their TRX files do not overwrite each other.
    /// </summary>
    public static IReadOnlyList<TestTarget> ForIndex(IEnumerable<IndexPlatform> platforms, string resultsDirectory) =>
        platforms
            .Where(platform => platform.Test)
            .OrderBy(platform => platform.Emulated)
            .Select(platform => new TestTarget(platform.Platform, platform.ConfigDigest, platform.ManifestDigest,
                Path.Combine(resultsDirectory, platform.Platform.Replace('/', '-')), platform.Emulated))
            .ToArray();

    /// <summary>The single-platform image, unless <paramref name="host"/> cannot run its platform: then none, and why.</summary>
    public static (IReadOnlyList<TestTarget> Targets, string? Untested) ForImage(string? platform, string imageId, string imageDigest, string resultsDirectory, HostPlatforms host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var support = Platform.TryParse(platform) is { } known ? host.Support(known) : null;
        return support is { Runnable: false }
            ? ([], $"{platform} {support.Note}")
            : ([new TestTarget(string.IsNullOrEmpty(platform) ? null : platform, imageId, imageDigest, resultsDirectory, support?.Emulated ?? false)], null);
    }
}
