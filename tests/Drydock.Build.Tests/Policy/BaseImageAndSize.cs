using Drydock.Build.Diagnostics;
using Drydock.Build.Policy;
using Drydock.Build.Tests.Oci;

namespace Drydock.Build.Tests.Policy;

public sealed class BaseImageAndSize
{
    [Fact]
    public void Lint_BaseByTag_IsDry4012Note()
    {
        var findings = LintImages.Lint(new SdkArchiveFixture { BaseEntries = LintImages.CleanBase }, LintImages.Release with { BaseImage = "mcr.microsoft.com/dotnet/aspnet:10.0" });

        var finding = Assert.Single(findings.Codes(KnownCodes.UnpinnedBaseImage));
        Assert.Equal(Severity.Note, finding.DefaultSeverity);
        Assert.Equal("ContainerBaseImage", finding.Location);
        Assert.Contains("DrydockRequirePinnedBase=true", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lint_BaseByTag_WithRequirePinnedBase_IsDry4012Warning()
    {
        var findings = LintImages.Lint(
            new SdkArchiveFixture { BaseEntries = LintImages.CleanBase },
            LintImages.Release with { BaseImage = "mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled", BaseImageIsDefault = true, RequirePinnedBase = true });

        Assert.Equal(Severity.Warning, Assert.Single(findings.Codes(KnownCodes.UnpinnedBaseImage)).DefaultSeverity);
    }

    [Fact]
    public void Lint_BaseByTagWithRecordedDigest_IsStillDry4012_AndTheAdviceNamesThatDigest()
    {
        // The SDK writes the base digest label for every image: it records, it does not pin.
        var digest = "sha256:" + new string('b', 64);
        var fixture = new SdkArchiveFixture
        {
            BaseEntries = LintImages.CleanBase,
            Labels = new Dictionary<string, string> { ["org.opencontainers.image.base.digest"] = digest },
        };

        var finding = Assert.Single(LintImages.Lint(fixture, LintImages.Release with { BaseImage = "mcr.microsoft.com/dotnet/aspnet:10.0" }).Codes(KnownCodes.UnpinnedBaseImage));

        Assert.Contains($"ContainerBaseImage=mcr.microsoft.com/dotnet/aspnet:10.0@{digest}", finding.Message, StringComparison.Ordinal);
        Assert.StartsWith("ContainerBaseImage 'mcr.microsoft.com/dotnet/aspnet:10.0' is a tag", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lint_OnePlatformOfMany_AdviceAsksForTheIndexDigest_NotThisPlatformsManifest()
    {
        // Each platform's label holds its own manifest digest; one ContainerBaseImage pins every platform.
        var digest = "sha256:" + new string('c', 64);
        var fixture = new SdkArchiveFixture
        {
            BaseEntries = LintImages.CleanBase,
            Labels = new Dictionary<string, string> { ["org.opencontainers.image.base.digest"] = digest },
        };

        var finding = Assert.Single(LintImages.Lint(fixture, LintImages.Release with { BaseImage = "mcr.microsoft.com/dotnet/aspnet:10.0", OnePlatformOfMany = true }).Codes(KnownCodes.UnpinnedBaseImage));

        Assert.DoesNotContain(digest, finding.Message, StringComparison.Ordinal);
        Assert.Contains("ContainerBaseImage=mcr.microsoft.com/dotnet/aspnet:10.0@sha256:<index digest>", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lint_SdkDefaultBaseByTag_IsDry4012NamingTheDefault()
    {
        var finding = Assert.Single(LintImages.Lint(
            new SdkArchiveFixture { BaseEntries = LintImages.CleanBase },
            LintImages.Release with { BaseImage = "mcr.microsoft.com/dotnet/runtime:10.0-noble-chiseled", BaseImageIsDefault = true }).Codes(KnownCodes.UnpinnedBaseImage));

        Assert.StartsWith("The SDK's default base image 'mcr.microsoft.com/dotnet/runtime:10.0-noble-chiseled' is a tag", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lint_BaseByDigestOrUnknown_IsQuiet()
    {
        var fixture = new SdkArchiveFixture { BaseEntries = LintImages.CleanBase };

        Assert.Empty(LintImages.Lint(fixture, LintImages.Release).Codes(KnownCodes.UnpinnedBaseImage));
        Assert.Empty(LintImages.Lint(fixture, LintImages.Release with { BaseImage = null }).Codes(KnownCodes.UnpinnedBaseImage));
        Assert.Empty(LintImages.Lint(fixture, LintImages.Release with { BaseImage = "aspnet:10.0", BaseImagePinned = true }).Codes(KnownCodes.UnpinnedBaseImage));
    }

    [Fact]
    public void Lint_OverSizeBudget_IsDry4013ErrorListingLargestLayersAndFiles()
    {
        var fixture = new SdkArchiveFixture
        {
            BaseEntries = [LintImages.Icu, FixtureEntry.File("usr/lib/big.so", RandomText(300_000))],
            AppEntries = [FixtureEntry.File("app/wwwroot/video.mp4", RandomText(200_000)), FixtureEntry.File("app/small.txt", "x")],
        };

        var findings = LintImages.Lint(fixture, LintImages.Release with { SizeBudget = 100_000 });

        var finding = Assert.Single(findings.Codes(KnownCodes.OverSizeBudget));
        Assert.Equal(Severity.Error, finding.DefaultSeverity);
        Assert.Contains("over ContainerImageSizeBudget 100.0 kB", finding.Message, StringComparison.Ordinal);
        Assert.Contains("largest layers: layer 1 ", finding.Message, StringComparison.Ordinal);
        Assert.Contains("largest files: /usr/lib/big.so 300.0 kB, /app/wwwroot/video.mp4 200.0 kB", finding.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', finding.Message);
    }

    [Fact]
    public void Lint_WithinSizeBudgetOrNoBudget_IsQuiet()
    {
        var fixture = new SdkArchiveFixture { BaseEntries = LintImages.CleanBase };

        Assert.Empty(LintImages.Lint(fixture, LintImages.Release with { SizeBudget = 10_000_000 }));
        Assert.Empty(LintImages.Lint(fixture, LintImages.Release with { SizeBudget = null }));
    }

    /// <summary>Incompressible, so the compressed layers are as big as the files.</summary>
    private static string RandomText(int length)
    {
        var random = new Random(length);
        return string.Create(length, random, (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = (char)r.Next('!', '~');
            }
        });
    }

    [Theory]
    [InlineData("209715200", 209_715_200)]
    [InlineData("200MB", 200_000_000)]
    [InlineData("200 mb", 200_000_000)]
    [InlineData("1.5GB", 1_500_000_000)]
    [InlineData("200MiB", 209_715_200)]
    [InlineData("64KiB", 65_536)]
    [InlineData("10kB", 10_000)]
    public void ByteSize_TryParse_ReadsUnits(string text, long expected)
    {
        Assert.True(ByteSize.TryParse(text, out var bytes));
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("big")]
    [InlineData("-5MB")]
    [InlineData("5TB")]
    public void ByteSize_TryParse_RejectsOthers(string text) => Assert.False(ByteSize.TryParse(text, out _));
}
