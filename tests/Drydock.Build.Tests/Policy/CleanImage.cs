using Drydock.Build.Tests.Oci;

namespace Drydock.Build.Tests.Policy;

public sealed class CleanImage
{
    [Fact]
    public void Lint_HardenedReleaseImage_FindsNothing()
    {
        var findings = LintImages.Lint(new SdkArchiveFixture { BaseEntries = LintImages.CleanBase, ExposedPorts = ["8080/tcp"] });

        Assert.Empty(findings);
    }
}
