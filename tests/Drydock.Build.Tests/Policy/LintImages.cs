using Drydock.Build.Policy;
using Drydock.Build.Tests.Oci;
using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Policy;

/// <summary>Images for lint scenarios: the fixture's SDK-like archive on a base with ICU, linted as a pinned Release build.</summary>
internal static class LintImages
{
    public static readonly FixtureEntry Icu = FixtureEntry.File("usr/lib/x86_64-linux-gnu/libicuuc.so.72", "ELF");

    /// <summary>A base layer every rule is quiet about: ICU, no shell, no package manager.</summary>
    public static readonly IReadOnlyList<FixtureEntry> CleanBase = [Icu];

    public static readonly LintContext Release = new()
    {
        Configuration = "Release",
        BaseImage = "mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled-extra@sha256:" + new string('a', 64),
    };

    public static IReadOnlyList<Finding> Lint(SdkArchiveFixture fixture, LintContext? context = null)
    {
        using var temp = new TempDirectory();
        return ImageLinter.Lint(fixture.Write(temp.File("image.tar")), context ?? Release);
    }

    public static IReadOnlyList<Finding> Codes(this IReadOnlyList<Finding> findings, string code) =>
        findings.Where(finding => finding.Code == code).ToList();
}
