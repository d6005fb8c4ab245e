using Drydock.Build.Diagnostics;
using Drydock.Build.Policy;
using Drydock.Build.Tests.Oci;

namespace Drydock.Build.Tests.Policy;

/// <summary>DRY4015: debug symbols over a size in the app layers (Native AOT's app.dbg is larger than the app).</summary>
public sealed class DebugSymbols
{
    [Fact]
    public void Lint_AotDbgOverTheThreshold_IsDry4015_AndASmallPdbIsNot()
    {
        var image = new SdkArchiveFixture
        {
            BaseEntries = LintImages.CleanBase,
            AppEntries = [FixtureEntry.File("app/web.dbg", new string('d', 2048)), FixtureEntry.File("app/web.pdb", new string('p', 512))],
        };

        // Advice by default (Native AOT and its template copy the symbols), a warning when the project asks.
        var note = Assert.Single(LintImages.Lint(image, LintImages.Release with { MaxDebugSymbolsSize = 1024 }).Codes(KnownCodes.LargeDebugSymbols));
        Assert.Equal(Severity.Note, note.DefaultSeverity);
        Assert.Contains("DrydockWarnOnDebugSymbols=true makes this a warning", note.Message, StringComparison.Ordinal);
        var findings = LintImages.Lint(image, LintImages.Release with { MaxDebugSymbolsSize = 1024, WarnOnDebugSymbols = true });

        var finding = Assert.Single(findings.Codes(KnownCodes.LargeDebugSymbols));
        Assert.Equal(Severity.Warning, finding.DefaultSeverity);
        Assert.Equal("layer 2: app/web.dbg", finding.Location);
        Assert.Contains("2.0 kB", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lint_DebugSymbolsInTheBaseLayers_AreNotTheAppsBusiness()
    {
        var findings = LintImages.Lint(
            new SdkArchiveFixture { BaseEntries = [.. LintImages.CleanBase, FixtureEntry.File("usr/lib/libx.so.debug", new string('d', 2048))] },
            LintImages.Release with { MaxDebugSymbolsSize = 1024 });

        Assert.Empty(findings.Codes(KnownCodes.LargeDebugSymbols));
    }
}
