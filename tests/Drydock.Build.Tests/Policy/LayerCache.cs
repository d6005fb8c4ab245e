using Drydock.Build.Diagnostics;
using Drydock.Build.Policy;
using Drydock.Build.Tests.Oci;
using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Policy;

public sealed class LayerCache : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Lint_WithCache_IndexesBaseLayersOnceAndFindsTheSame()
    {
        var fixture = new SdkArchiveFixture { BaseEntries = [LintImages.Icu, FixtureEntry.File("bin/sh", "ELF")], User = "root" };
        var image = fixture.Write(temp.File("image.tar"));
        var cache = temp.File("cache");

        var first = ImageLinter.Lint(image, LintImages.Release, cache);
        var second = ImageLinter.Lint(image, LintImages.Release, cache);

        var indexed = Assert.Single(Directory.GetFiles(cache));
        Assert.StartsWith(SdkArchiveFixture.Sha(fixture.BaseLayer)[7..], Path.GetFileName(indexed), StringComparison.Ordinal);
        Assert.Equal(first, second);
        Assert.Equal([KnownCodes.RunsAsRoot, KnownCodes.NotMinimalBase], second.Select(f => f.Code));
    }

    [Fact]
    public void Lint_CachedIndex_IsWhatTheBaseLayerIsReadAs()
    {
        var clean = new SdkArchiveFixture { BaseEntries = LintImages.CleanBase };
        var withShell = new SdkArchiveFixture { BaseEntries = [LintImages.Icu, FixtureEntry.File("bin/sh", "ELF")] };
        var cache = temp.File("cache");
        ImageLinter.Lint(withShell.Write(temp.File("shell.tar")), LintImages.Release, cache);
        var shellIndex = Assert.Single(Directory.GetFiles(cache));
        File.Move(shellIndex, Path.Combine(cache, Path.GetFileName(shellIndex).Replace(SdkArchiveFixture.Sha(withShell.BaseLayer)[7..], SdkArchiveFixture.Sha(clean.BaseLayer)[7..], StringComparison.Ordinal)));

        var findings = ImageLinter.Lint(clean.Write(temp.File("clean.tar")), LintImages.Release, cache);

        Assert.Single(findings.Codes(KnownCodes.NotMinimalBase));
    }

    [Fact]
    public void Lint_UnreadableCacheFile_ScansTheLayerAgain()
    {
        var fixture = new SdkArchiveFixture { BaseEntries = [LintImages.Icu, FixtureEntry.File("bin/sh", "ELF")] };
        var image = fixture.Write(temp.File("image.tar"));
        var cache = temp.File("cache");
        ImageLinter.Lint(image, LintImages.Release, cache);
        File.WriteAllText(Assert.Single(Directory.GetFiles(cache)), "{ not json");

        // Another context: the findings cache has nothing for it, so the layers are read again.
        var findings = ImageLinter.Lint(image, LintImages.Release with { MaxExposedPorts = 3 }, cache);

        Assert.Single(findings.Codes(KnownCodes.NotMinimalBase));
    }

    [Fact]
    public void Lint_SameImageAndContext_AnswersFromTheFindingsCache()
    {
        var image = new SdkArchiveFixture { BaseEntries = LintImages.CleanBase, User = "root" }.Write(temp.File("image.tar"));
        var cache = temp.File("cache");
        var first = ImageLinter.Lint(image, LintImages.Release, cache);
        var stored = Assert.Single(Directory.GetFiles(Path.Combine(cache, "findings")));
        // A code no rule has: only the cache can answer with it.
        File.WriteAllText(stored, File.ReadAllText(stored).Replace(KnownCodes.RunsAsRoot, "DRY4999", StringComparison.Ordinal));

        var second = ImageLinter.Lint(image, LintImages.Release, cache);

        Assert.Equal(KnownCodes.RunsAsRoot, first.Single().Code);
        Assert.Equal("DRY4999", second.Single().Code);
    }

    [Fact]
    public void Lint_SameImageOtherContext_LintsAgain()
    {
        var image = new SdkArchiveFixture { BaseEntries = LintImages.CleanBase }.Write(temp.File("image.tar"));
        var cache = temp.File("cache");
        var release = ImageLinter.Lint(image, LintImages.Release, cache);

        var debug = ImageLinter.Lint(image, LintImages.Release with { Configuration = "Debug" }, cache);

        Assert.Empty(release);
        Assert.Single(debug.Codes(KnownCodes.DevelopmentBuild));
        Assert.Equal(2, Directory.GetFiles(Path.Combine(cache, "findings")).Length);
    }

    [Fact]
    public void Lint_SameContextOtherImage_LintsAgain()
    {
        var cache = temp.File("cache");
        ImageLinter.Lint(new SdkArchiveFixture { BaseEntries = LintImages.CleanBase }.Write(temp.File("clean.tar")), LintImages.Release, cache);

        var root = ImageLinter.Lint(new SdkArchiveFixture { BaseEntries = LintImages.CleanBase, User = "root" }.Write(temp.File("root.tar")), LintImages.Release, cache);

        Assert.Single(root.Codes(KnownCodes.RunsAsRoot));
    }
}
