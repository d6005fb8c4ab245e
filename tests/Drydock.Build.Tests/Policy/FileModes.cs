using Drydock.Build.Diagnostics;
using Drydock.Build.Policy;
using Drydock.Build.Tests.Oci;

namespace Drydock.Build.Tests.Policy;

public sealed class FileModes
{
    private const UnixFileMode Setuid = (UnixFileMode)0b100_111_101_101; // 4755
    private const UnixFileMode Setgid = (UnixFileMode)0b010_111_101_101; // 2755
    private const UnixFileMode WorldWritable = (UnixFileMode)0b110_110_110; // 0666

    [Theory]
    [InlineData(Setuid, "setuid")]
    [InlineData(Setgid, "setgid")]
    public void Lint_SetuidFileInAppLayer_IsDry4006Warning(UnixFileMode mode, string bit)
    {
        var findings = LintImages.Lint(new SdkArchiveFixture { BaseEntries = LintImages.CleanBase, AppEntries = [FixtureEntry.File("app/tool", "ELF", mode)] });

        var finding = Assert.Single(findings.Codes(KnownCodes.SetuidFile));
        Assert.Equal(Severity.Warning, finding.DefaultSeverity);
        Assert.Equal("layer 2: app/tool", finding.Location);
        Assert.Contains(bit, finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lint_SetuidFileInBaseLayer_IsQuiet()
    {
        var findings = LintImages.Lint(new SdkArchiveFixture { BaseEntries = [LintImages.Icu, FixtureEntry.File("usr/bin/passwd", "ELF", Setuid)] });

        Assert.Empty(findings.Codes(KnownCodes.SetuidFile));
    }

    [Fact]
    public void Lint_WorldWritableFileInAppDirectory_IsDry4007Warning()
    {
        var findings = LintImages.Lint(new SdkArchiveFixture
        {
            BaseEntries = LintImages.CleanBase,
            AppEntries = [FixtureEntry.File("app/appsettings.Production.json", "{}", WorldWritable), FixtureEntry.Directory("app/logs", (UnixFileMode)0b111_111_111)],
        });

        var locations = findings.Codes(KnownCodes.WorldWritableFile).Select(f => f.Location);
        Assert.Equal(["layer 2: app/appsettings.Production.json", "layer 2: app/logs"], locations);
        Assert.All(findings.Codes(KnownCodes.WorldWritableFile), f => Assert.Equal(Severity.Warning, f.DefaultSeverity));
    }

    [Fact]
    public void Lint_WorldWritableOutsideAppDirectoryOrSymlink_IsQuiet()
    {
        var findings = LintImages.Lint(new SdkArchiveFixture
        {
            BaseEntries = [LintImages.Icu, FixtureEntry.File("app/base-file", "", WorldWritable)],
            AppEntries = [FixtureEntry.File("tmp/scratch", "", WorldWritable), FixtureEntry.Symlink("app/link", "web.dll")],
        });

        Assert.Empty(findings.Codes(KnownCodes.WorldWritableFile));
    }

    [Fact]
    public void Lint_ManyFindingsOfOneCode_AreCapped()
    {
        var files = Enumerable.Range(0, 25).Select(i => FixtureEntry.File($"app/data{i}.json", "{}", WorldWritable)).ToList();

        var findings = LintImages.Lint(new SdkArchiveFixture { BaseEntries = LintImages.CleanBase, AppEntries = files }).Codes(KnownCodes.WorldWritableFile);

        Assert.Equal(ImageLinter.MaxFindingsPerCode, findings.Count);
        Assert.EndsWith("(15 more like it not listed)", findings[^1].Message, StringComparison.Ordinal);
    }
}
