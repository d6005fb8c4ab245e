using Drydock.Build.Diagnostics;
using Drydock.Build.Policy;
using Drydock.Build.Tests.Oci;

namespace Drydock.Build.Tests.Policy;

public sealed class Ports
{
    [Fact]
    public void Lint_MorePortsThanTheLimit_IsDry4008Warning()
    {
        var findings = LintImages.Lint(new SdkArchiveFixture { BaseEntries = LintImages.CleanBase, ExposedPorts = ["8080/tcp", "8081/tcp", "9090/tcp"] });

        var finding = Assert.Single(findings.Codes(KnownCodes.TooManyPorts));
        Assert.Equal(Severity.Warning, finding.DefaultSeverity);
        Assert.Contains("DrydockMaxExposedPorts=2", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lint_PortsWithinARaisedLimit_IsQuiet()
    {
        var findings = LintImages.Lint(
            new SdkArchiveFixture { BaseEntries = LintImages.CleanBase, ExposedPorts = ["8080/tcp", "8081/tcp", "9090/tcp"] },
            LintImages.Release with { MaxExposedPorts = 3 });

        Assert.Empty(findings);
    }

    [Fact]
    public void Lint_PrivilegedPortWithNonRootUser_IsDry4009Error()
    {
        var findings = LintImages.Lint(new SdkArchiveFixture { BaseEntries = LintImages.CleanBase, ExposedPorts = ["80/tcp"] });

        var finding = Assert.Single(findings.Codes(KnownCodes.PrivilegedPort));
        Assert.Equal(Severity.Error, finding.DefaultSeverity);
        Assert.Equal("config.ExposedPorts 80/tcp", finding.Location);
    }

    [Fact]
    public void Lint_PrivilegedPortWithRoot_IsOnlyTheRootFinding()
    {
        var findings = LintImages.Lint(new SdkArchiveFixture { BaseEntries = LintImages.CleanBase, ExposedPorts = ["443"], User = "root" });

        Assert.Empty(findings.Codes(KnownCodes.PrivilegedPort));
        Assert.Single(findings.Codes(KnownCodes.RunsAsRoot));
    }
}
