using Drydock.Build.Diagnostics;
using Drydock.Build.Policy;
using Drydock.Build.Tests.Oci;

namespace Drydock.Build.Tests.Policy;

public sealed class Icu
{
    [Fact]
    public void Lint_AppNeedsIcuAndImageHasNone_IsDry4010Error()
    {
        var findings = LintImages.Lint(new SdkArchiveFixture());

        var finding = Assert.Single(findings.Codes(KnownCodes.NoIcu));
        Assert.Equal(Severity.Error, finding.DefaultSeverity);
    }

    [Fact]
    public void Lint_InvariantGlobalization_IsQuiet() =>
        Assert.Empty(LintImages.Lint(new SdkArchiveFixture(), LintImages.Release with { InvariantGlobalization = true }).Codes(KnownCodes.NoIcu));

    [Fact]
    public void Lint_InvariantSwitchInImageEnv_IsQuiet() =>
        Assert.Empty(LintImages.Lint(new SdkArchiveFixture { Env = ["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=true"] }).Codes(KnownCodes.NoIcu));

    [Fact]
    public void Lint_InvariantSwitchInImageEnv_ButProjectSetsFalse_IsDry4010NamingWhy()
    {
        var findings = LintImages.Lint(new SdkArchiveFixture { Env = ["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=true"] }, LintImages.Release with { InvariantGlobalization = false });

        var finding = Assert.Single(findings.Codes(KnownCodes.NoIcu));
        Assert.Contains("the project sets InvariantGlobalization=false", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lint_AppLocalIcu_IsQuiet() =>
        Assert.Empty(LintImages.Lint(new SdkArchiveFixture { AppEntries = [FixtureEntry.File("app/libicuuc.so.74.2", "ELF")] }).Codes(KnownCodes.NoIcu));

    [Fact]
    public void Lint_IcuDeletedByAWhiteout_IsDry4010()
    {
        var findings = LintImages.Lint(new SdkArchiveFixture
        {
            BaseEntries = LintImages.CleanBase,
            AppEntries = [FixtureEntry.File("usr/lib/x86_64-linux-gnu/.wh.libicuuc.so.72")],
        });

        Assert.Single(findings.Codes(KnownCodes.NoIcu));
    }
}
