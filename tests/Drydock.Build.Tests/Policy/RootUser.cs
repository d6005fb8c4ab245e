using Drydock.Build.Diagnostics;
using Drydock.Build.Policy;
using Drydock.Build.Tests.Oci;

namespace Drydock.Build.Tests.Policy;

public sealed class RootUser
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("root")]
    [InlineData("0")]
    [InlineData("0:0")]
    [InlineData("root:root")]
    [InlineData("0:1000")]
    [InlineData(":1000")]
    public void Lint_RootUser_IsDry4001Error(string? user)
    {
        var findings = LintImages.Lint(new SdkArchiveFixture { BaseEntries = LintImages.CleanBase, User = user });

        var finding = Assert.Single(findings.Codes(KnownCodes.RunsAsRoot));
        Assert.Equal(Severity.Error, finding.DefaultSeverity);
        Assert.Equal("config.User", finding.Location);
        Assert.Contains("ContainerUser", finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1654")]
    [InlineData("app")]
    [InlineData("1000:0")]
    [InlineData("app:app")]
    public void Lint_NonRootUser_IsQuiet(string user)
    {
        var findings = LintImages.Lint(new SdkArchiveFixture { BaseEntries = LintImages.CleanBase, User = user });

        Assert.Empty(findings.Codes(KnownCodes.RunsAsRoot));
    }

    [Fact]
    public void Lint_NameWithUid0InPasswd_IsDry4001()
    {
        var fixture = new SdkArchiveFixture
        {
            BaseEntries = [LintImages.Icu, FixtureEntry.File("etc/passwd", "root:x:0:0::/root:/sbin/nologin\nadmin:x:0:0::/home/admin:/sbin/nologin\n")],
            User = "admin",
        };

        var finding = Assert.Single(LintImages.Lint(fixture).Codes(KnownCodes.RunsAsRoot));
        Assert.Contains("/etc/passwd", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lint_PasswdOfTheTopLayerWins()
    {
        var fixture = new SdkArchiveFixture
        {
            BaseEntries = [LintImages.Icu, FixtureEntry.File("etc/passwd", "svc:x:0:0::/:/sbin/nologin\n")],
            AppEntries = [FixtureEntry.File("etc/passwd", "svc:x:1000:1000::/:/sbin/nologin\n")],
            User = "svc",
        };

        Assert.Empty(LintImages.Lint(fixture).Codes(KnownCodes.RunsAsRoot));
    }
}
