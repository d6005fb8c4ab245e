using Drydock.Build.Diagnostics;
using Drydock.Build.Policy;
using Drydock.Build.Tests.Oci;

namespace Drydock.Build.Tests.Policy;

public sealed class MinimalBase
{
    [Fact]
    public void Lint_ShellAndPackageManager_AreTwoDry4011Warnings()
    {
        var findings = LintImages.Lint(new SdkArchiveFixture
        {
            BaseEntries = [LintImages.Icu, FixtureEntry.File("usr/bin/dash", "ELF"), FixtureEntry.Symlink("usr/bin/sh", "dash"), FixtureEntry.File("usr/bin/dpkg", "ELF"), FixtureEntry.File("usr/bin/apt", "ELF")],
        });

        var notMinimal = findings.Codes(KnownCodes.NotMinimalBase);
        Assert.Equal(2, notMinimal.Count);
        Assert.All(notMinimal, finding => Assert.Equal(Severity.Warning, finding.DefaultSeverity));
        Assert.Contains("/usr/bin/sh", notMinimal[0].Message, StringComparison.Ordinal);
        Assert.Contains("/usr/bin/apt, /usr/bin/dpkg", notMinimal[1].Message, StringComparison.Ordinal);
        Assert.Equal("layer 1: usr/bin/sh", notMinimal[0].Location);
    }

    [Fact]
    public void Lint_Busybox_IsDry4011() =>
        Assert.Single(LintImages.Lint(new SdkArchiveFixture { BaseEntries = [LintImages.Icu, FixtureEntry.File("bin/busybox", "ELF")] }).Codes(KnownCodes.NotMinimalBase));

    [Fact]
    public void Lint_ShellRemovedByWhiteouts_IsQuiet()
    {
        var findings = LintImages.Lint(new SdkArchiveFixture
        {
            BaseEntries = [LintImages.Icu, FixtureEntry.File("bin/sh", "ELF"), FixtureEntry.File("sbin/apk", "ELF")],
            AppEntries = [FixtureEntry.File("bin/.wh.sh"), FixtureEntry.File("sbin/.wh..wh..opq")],
        });

        Assert.Empty(findings.Codes(KnownCodes.NotMinimalBase));
    }
}
