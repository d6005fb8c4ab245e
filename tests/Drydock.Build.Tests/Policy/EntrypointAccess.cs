using Drydock.Build.Diagnostics;
using Drydock.Build.Policy;
using Drydock.Build.Tests.Oci;

namespace Drydock.Build.Tests.Policy;

/// <summary>DRY4014: the image's user must reach and run what the image starts (the fault Docker's vfs showed with a 0700 root).</summary>
public sealed class EntrypointAccess
{
    private const UnixFileMode Private = (UnixFileMode)0b111_000_000;

    [Fact]
    public void Lint_RootDirectory0700_IsDry4014OnTheRootEntry()
    {
        var findings = LintImages.Lint(new SdkArchiveFixture { BaseEntries = [.. LintImages.CleanBase, FixtureEntry.Directory("./", Private)] });

        var finding = Assert.Single(findings.Codes(KnownCodes.EntrypointNotAccessible));
        Assert.Equal(Severity.Error, finding.DefaultSeverity);
        Assert.Equal("layer 1: ./", finding.Location);
        Assert.Contains("config.User '1654' (uid 1654, gid 1654) lacks search (x) permission on '/'", finding.Message, StringComparison.Ordinal);
        Assert.Contains("mode 0700, owner 0:0", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lint_AppDirectory0700OwnedByRoot_WithNonRootUser_IsDry4014OnTheAppDirectory()
    {
        var findings = LintImages.Lint(new SdkArchiveFixture { BaseEntries = LintImages.CleanBase, AppEntries = [FixtureEntry.Directory("app", Private)] });

        var finding = Assert.Single(findings.Codes(KnownCodes.EntrypointNotAccessible));
        Assert.Equal("layer 2: app", finding.Location);
        Assert.Contains("lacks search (x) permission on '/app', which it needs to reach the working directory '/app', the app's assembly '/app/web.dll', the app's runtimeconfig.json '/app/web.runtimeconfig.json'", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lint_AppDirectory0700OwnedByTheUser_IsQuiet()
    {
        var findings = LintImages.Lint(new SdkArchiveFixture { BaseEntries = LintImages.CleanBase, AppEntries = [FixtureEntry.Directory("app", Private) with { Uid = 1654 }] });

        Assert.Empty(findings.Codes(KnownCodes.EntrypointNotAccessible));
    }

    [Fact]
    public void Lint_AppDirectoryOpenOnlyToAGroupTheUserIsIn_IsQuiet_AndToAnotherGroup_IsDry4014()
    {
        var groupOnly = FixtureEntry.Directory("app", (UnixFileMode)0b111_101_000) with { Gid = 2000 };
        SdkArchiveFixture Image(string groups) => new()
        {
            BaseEntries = [.. LintImages.CleanBase, FixtureEntry.File("etc/group", groups)],
            AppEntries = [groupOnly],
        };

        Assert.Empty(LintImages.Lint(Image("root:x:0:\napp:x:1654:\nstaff:x:2000:app\n")).Codes(KnownCodes.EntrypointNotAccessible));
        Assert.NotEmpty(LintImages.Lint(Image("root:x:0:\napp:x:1654:\nstaff:x:2000:someone\n")).Codes(KnownCodes.EntrypointNotAccessible));
    }

    [Fact]
    public void Lint_AppAssemblyNotReadable_IsDry4014NamingRead()
    {
        var findings = LintImages.Lint(new SdkArchiveFixture { BaseEntries = LintImages.CleanBase, AppEntries = [FixtureEntry.File("app/web.dll", "MZ", (UnixFileMode)0b110_000_000)] });

        var finding = Assert.Single(findings.Codes(KnownCodes.EntrypointNotAccessible));
        Assert.Contains("lacks read (r) permission on the app's assembly '/app/web.dll'", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lint_ScriptEntrypointExecutableButNotReadable_IsDry4014()
    {
        var findings = LintImages.Lint(new SdkArchiveFixture
        {
            BaseEntries = LintImages.CleanBase,
            AppEntries = [FixtureEntry.File("app/run.sh", "#!/bin/sh\nexec dotnet web.dll\n", (UnixFileMode)0b111_001_001)],
            Entrypoint = ["/app/run.sh"],
        });

        var finding = Assert.Single(findings.Codes(KnownCodes.EntrypointNotAccessible));
        Assert.Contains("lacks read (r) permission on the entrypoint '/app/run.sh'", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lint_ProgramInNoPathDirectory_IsDry4014()
    {
        var findings = LintImages.Lint(new SdkArchiveFixture { BaseEntries = LintImages.CleanBase, Entrypoint = ["web", "--urls", "http://+:8080"] });

        var finding = Assert.Single(findings.Codes(KnownCodes.EntrypointNotAccessible));
        Assert.Contains("'web' is in none of the image's PATH directories", finding.Message, StringComparison.Ordinal);
        Assert.Equal("config.Entrypoint", finding.Location);
    }

    [Fact]
    public void Lint_RootUser_IsLeftToDry4001()
    {
        var findings = LintImages.Lint(new SdkArchiveFixture { User = "0", BaseEntries = [.. LintImages.CleanBase, FixtureEntry.Directory("./", Private)] });

        Assert.Empty(findings.Codes(KnownCodes.EntrypointNotAccessible));
        Assert.NotEmpty(findings.Codes(KnownCodes.RunsAsRoot));
    }
}
