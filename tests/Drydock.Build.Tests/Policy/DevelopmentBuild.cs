using Drydock.Build.Diagnostics;
using Drydock.Build.Policy;
using Drydock.Build.Tests.Oci;

namespace Drydock.Build.Tests.Policy;

public sealed class DevelopmentBuild
{
    [Fact]
    public void Lint_DebugConfiguration_IsDry4002Warning()
    {
        var findings = LintImages.Lint(new SdkArchiveFixture { BaseEntries = LintImages.CleanBase }, LintImages.Release with { Configuration = "Debug" });

        var finding = Assert.Single(findings.Codes(KnownCodes.DevelopmentBuild));
        Assert.Equal(Severity.Warning, finding.DefaultSeverity);
        Assert.Equal("Configuration", finding.Location);
    }

    [Theory]
    [InlineData("ASPNETCORE_ENVIRONMENT=Development")]
    [InlineData("DOTNET_ENVIRONMENT=development")]
    public void Lint_DevelopmentEnvironment_IsDry4002(string variable)
    {
        var findings = LintImages.Lint(new SdkArchiveFixture { BaseEntries = LintImages.CleanBase, Env = [variable] });

        var finding = Assert.Single(findings.Codes(KnownCodes.DevelopmentBuild));
        Assert.Equal("env " + variable.Split('=')[0], finding.Location);
    }

    [Fact]
    public void Lint_ReleaseAndProductionEnvironment_IsQuiet()
    {
        var findings = LintImages.Lint(new SdkArchiveFixture
        {
            BaseEntries = LintImages.CleanBase,
            Env = ["ASPNETCORE_ENVIRONMENT=Development", "ASPNETCORE_ENVIRONMENT=Production"],
        });

        Assert.Empty(findings.Codes(KnownCodes.DevelopmentBuild));
    }
}
