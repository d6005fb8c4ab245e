using Drydock.Build.Diagnostics;
using Drydock.Build.Policy;
using Drydock.Build.Tests.Oci;

namespace Drydock.Build.Tests.Policy;

public sealed class SensitiveFiles
{
    private const string PrivateKeyPem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----\n";
    private const string CertificatePem = "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIE\n-----END CERTIFICATE-----\n";

    [Theory]
    [InlineData("app/.env")]
    [InlineData("app/.env.production")]
    [InlineData("app/certs/site.pfx")]
    [InlineData("app/certs/site.p12")]
    [InlineData("app/id_rsa")]
    [InlineData("app/keys/id_ed25519")]
    [InlineData("app/secrets.json")]
    public void Lint_SecretFileInAppLayer_IsDry4004Error(string path)
    {
        var findings = LintImages.Lint(new SdkArchiveFixture { BaseEntries = LintImages.CleanBase, AppEntries = [FixtureEntry.File(path, "x")] });

        var finding = Assert.Single(findings.Codes(KnownCodes.SensitiveFile));
        Assert.Equal(Severity.Error, finding.DefaultSeverity);
        Assert.Equal("layer 2: " + path, finding.Location);
    }

    [Fact]
    public void Lint_PemWithPrivateKey_IsDry4004_CertificateIsQuiet()
    {
        var findings = LintImages.Lint(new SdkArchiveFixture
        {
            BaseEntries = LintImages.CleanBase,
            AppEntries = [FixtureEntry.File("app/key.pem", CertificatePem + PrivateKeyPem), FixtureEntry.File("app/ca.pem", CertificatePem)],
        });

        Assert.Equal("layer 2: app/key.pem", Assert.Single(findings.Codes(KnownCodes.SensitiveFile)).Location);
    }

    [Fact]
    public void Lint_GitDirectory_IsOneDry4004ForTheRepository()
    {
        var findings = LintImages.Lint(new SdkArchiveFixture
        {
            BaseEntries = LintImages.CleanBase,
            AppEntries = [FixtureEntry.Directory("app/.git"), FixtureEntry.File("app/.git/config", "[core]"), FixtureEntry.File("app/.git/HEAD", "ref: refs/heads/main")],
        });

        Assert.Equal("layer 2: app/.git", Assert.Single(findings.Codes(KnownCodes.SensitiveFile)).Location);
    }

    [Fact]
    public void Lint_UserFileInAppLayer_IsDry4005Warning()
    {
        var findings = LintImages.Lint(new SdkArchiveFixture { BaseEntries = LintImages.CleanBase, AppEntries = [FixtureEntry.File("app/web.csproj.user", "{}")] });

        var finding = Assert.Single(findings.Codes(KnownCodes.DevelopmentFile));
        Assert.Equal(Severity.Warning, finding.DefaultSeverity);
        Assert.Empty(findings.Codes(KnownCodes.SensitiveFile));
    }

    // Advice: every template publishes appsettings.Development.json, and the Web and Worker SDKs publish a
    // NuGet.config beside the project as Content. A note unless the project's switch asks for a warning.
    [Theory]
    [InlineData("app/appsettings.Development.json", "DrydockWarnOnDevelopmentSettings")]
    [InlineData("app/NuGet.config", "DrydockWarnOnNuGetConfig")]
    [InlineData("app/nuget.config", "DrydockWarnOnNuGetConfig")]
    public void Lint_DevelopmentSettingsOrNuGetConfig_IsDry4005Note_OrAWarningWithItsSwitch(string path, string property)
    {
        var fixture = new SdkArchiveFixture { BaseEntries = LintImages.CleanBase, AppEntries = [FixtureEntry.File(path, "{}")] };
        var strict = property == "DrydockWarnOnNuGetConfig"
            ? LintImages.Release with { WarnOnNuGetConfig = true }
            : LintImages.Release with { WarnOnDevelopmentSettings = true };

        var note = Assert.Single(LintImages.Lint(fixture).Codes(KnownCodes.DevelopmentFile));
        var warning = Assert.Single(LintImages.Lint(fixture, strict).Codes(KnownCodes.DevelopmentFile));

        Assert.Equal(Severity.Note, note.DefaultSeverity);
        Assert.Contains($"{property}=true", note.Message, StringComparison.Ordinal);
        Assert.Equal(Severity.Warning, warning.DefaultSeverity);
    }

    [Fact]
    public void Lint_NuGetConfigWithFeedCredentials_IsDry4004Error()
    {
        const string Config = """
            <configuration>
              <packageSources><add key="corp" value="https://packages.example.com/v3/index.json" /></packageSources>
              <packageSourceCredentials><corp><add key="Username" value="ci" /><add key="ClearTextPassword" value="hunter2" /></corp></packageSourceCredentials>
            </configuration>
            """;

        var findings = LintImages.Lint(new SdkArchiveFixture { BaseEntries = LintImages.CleanBase, AppEntries = [FixtureEntry.File("app/NuGet.config", Config)] });

        var finding = Assert.Single(findings.Codes(KnownCodes.SensitiveFile));
        Assert.Equal(Severity.Error, finding.DefaultSeverity);
        Assert.Contains("packageSourceCredentials", finding.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", finding.Message, StringComparison.Ordinal);
        Assert.Empty(findings.Codes(KnownCodes.DevelopmentFile));
    }

    [Fact]
    public void Lint_SameFilesInTheBaseLayer_AreNotTheAppsProblem()
    {
        var findings = LintImages.Lint(new SdkArchiveFixture
        {
            BaseEntries = [LintImages.Icu, FixtureEntry.File("etc/ssl/private/ssl-cert.key", PrivateKeyPem), FixtureEntry.File("opt/.env", "A=1"), FixtureEntry.File("opt/x.user", "")],
            AppEntries = [FixtureEntry.File("app/.env.example", "DB_PASSWORD="), FixtureEntry.File("app/appsettings.Production.json", "{}")],
        });

        Assert.Empty(findings.Codes(KnownCodes.SensitiveFile));
        Assert.Empty(findings.Codes(KnownCodes.DevelopmentFile));
    }
}
