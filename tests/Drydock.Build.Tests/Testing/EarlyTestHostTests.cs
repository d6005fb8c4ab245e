using Drydock.Build.Testing;

namespace Drydock.Build.Tests.Testing;

/// <summary>Which test assemblies can wait for the image in a test host started while the app compiles.</summary>
public sealed class EarlyTestHostTests
{
    [Fact]
    public void CanWaitForImage_AnAssemblyThatNamesNoImageVariable_True() =>
        // xunit's assertions name no Drydock variable.
        Assert.True(EarlyTestHost.CanWaitForImage(typeof(Assert).Assembly.Location));

    [Fact]
    public void CanWaitForImage_AnAssemblyThatReadsDrydockImage_False() =>
        // Drydock.Build hands DRYDOCK_IMAGE over, as a literal: an assembly that reads it so must have it at its start.
        Assert.False(EarlyTestHost.CanWaitForImage(typeof(EarlyTestHost).Assembly.Location));
}
