using Drydock.Build.Diagnostics;
using Drydock.Build.Policy;
using Drydock.Build.Tests.Oci;
using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Policy;

public sealed class Secrets
{
    // Made-up credentials in the shapes the rule knows; none of them is real.
    private const string GitHubToken = "ghp_0123456789abcdefghijABCDEFGHIJ012345";
    private const string GitHubPat = "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTU";
    private const string AwsKeyId = "AKIAABCDEFGHIJKLMNOP";
    private const string SlackToken = "xoxb-123456789012-abcdefghijkl";
    private const string GitLabToken = "glpat-abcdefghij0123456789";
    private const string PemKey = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----";
    private const string Password = "hunter2-correct-horse";

    [Theory]
    [InlineData("DB_PASSWORD", Password)]
    [InlineData("Jwt__Secret", Password)]
    [InlineData("API_KEY", Password)]
    [InlineData("ApiKey", Password)]
    [InlineData("PRIVATE_KEY", Password)]
    [InlineData("AUTH_TOKEN", Password)]
    [InlineData("POSTGRES_PASSWORD", "123456")]
    [InlineData("ConnectionStrings__Default", "Server=db;Database=shop;User Id=sa;Password=" + Password)]
    [InlineData("ANYTHING", GitHubToken)]
    [InlineData("ANYTHING", GitHubPat)]
    [InlineData("AWS_ACCESS_KEY_ID", AwsKeyId)]
    [InlineData("NOTIFY", SlackToken)]
    [InlineData("CI_HELPER", GitLabToken)]
    [InlineData("TLS", PemKey)]
    [InlineData("DATABASE_URL", "postgres://shop:" + Password + "@db:5432/shop")]
    public void Lint_SecretInEnv_IsDry4003ErrorNamingTheKey(string key, string value)
    {
        var findings = LintImages.Lint(new SdkArchiveFixture { BaseEntries = LintImages.CleanBase, Env = [$"{key}={value}"] });

        var finding = Assert.Single(findings.Codes(KnownCodes.SecretInConfig));
        Assert.Equal(Severity.Error, finding.DefaultSeverity);
        Assert.Equal("env " + key, finding.Location);
        Assert.Contains($"'{key}'", finding.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(value, finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lint_SecretInLabel_IsDry4003()
    {
        var findings = LintImages.Lint(new SdkArchiveFixture
        {
            BaseEntries = LintImages.CleanBase,
            Labels = new Dictionary<string, string> { ["com.example.deploy-token"] = GitLabToken },
        });

        Assert.Equal("label com.example.deploy-token", Assert.Single(findings.Codes(KnownCodes.SecretInConfig)).Location);
    }

    [Theory]
    [InlineData("DB_PASSWORD", "")]
    [InlineData("DB_PASSWORD", "${DB_PASSWORD}")]
    [InlineData("API_KEY", "$API_KEY")]
    [InlineData("POSTGRES_PASSWORD_FILE", "/run/secrets/db")]
    [InlineData("Auth__RequireToken", "true")]
    [InlineData("TOKEN_LIFETIME", "3600")]
    [InlineData("ConnectionStrings__Default", "Server=db;Database=shop;Integrated Security=true")]
    [InlineData("DATABASE_URL", "postgres://shop:${DB_PASSWORD}@db:5432/shop")]
    [InlineData("ASPNETCORE_HTTP_PORTS", "8080")]
    [InlineData("APP_UID", "1654")]
    public void Lint_NoSecret_IsQuiet(string key, string value)
    {
        var findings = LintImages.Lint(new SdkArchiveFixture { BaseEntries = LintImages.CleanBase, Env = [$"{key}={value}"] });

        Assert.Empty(findings.Codes(KnownCodes.SecretInConfig));
    }

    [Fact]
    public void Lint_NoSecretValue_InAnyMessageOrTheSarifFile()
    {
        string[] secrets = [GitHubToken, GitHubPat, AwsKeyId, SlackToken, GitLabToken, "MIIEowIBAAKCAQEA", Password];
        var fixture = new SdkArchiveFixture
        {
            BaseEntries = LintImages.CleanBase,
            User = "root",
            Env = ["DB_PASSWORD=" + Password, "GH=" + GitHubToken, "PAT=" + GitHubPat, "AWS=" + AwsKeyId, "SLACK=" + SlackToken, "TLS=" + PemKey],
            Labels = new Dictionary<string, string> { ["ci.token"] = GitLabToken },
            AppEntries = [FixtureEntry.File("app/.env", "DB_PASSWORD=" + Password), FixtureEntry.File("app/tls.pem", PemKey)],
        };
        using var temp = new TempDirectory();

        var findings = LintImages.Lint(fixture);
        SarifWriter.Write(findings, "1.0.0", temp.File("lint.sarif"));

        Assert.Equal(7, findings.Codes(KnownCodes.SecretInConfig).Count);
        Assert.Equal(2, findings.Codes(KnownCodes.SensitiveFile).Count);
        var sarif = File.ReadAllText(temp.File("lint.sarif"));
        foreach (var secret in secrets)
        {
            Assert.All(findings, finding => Assert.DoesNotContain(secret, finding.Message + finding.Location, StringComparison.Ordinal));
            Assert.DoesNotContain(secret, sarif, StringComparison.Ordinal);
        }
    }
}
