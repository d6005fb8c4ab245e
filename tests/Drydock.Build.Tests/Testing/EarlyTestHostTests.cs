using Drydock.Build.Testing;

namespace Drydock.Build.Tests.Testing;

/// <summary>Which test assemblies can wait for the image in a test host started while the app compiles.</summary>
public sealed class EarlyTestHostTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("drydock-early-").FullName;

    [Fact]
    public void CanStartEarly_AnAssemblyThatNamesNoImageVariable_True() =>
        // xunit's assertions name no Drydock variable.
        Assert.True(EarlyTestHost.CanStartEarly(Copy(typeof(Assert).Assembly.Location)));

    [Fact]
    public void CanStartEarly_AnAssemblyThatReadsDrydockImage_False() =>
        // Drydock.Build hands DRYDOCK_IMAGE over, as a literal: an assembly that reads it so must have it at its start.
        Assert.False(EarlyTestHost.CanStartEarly(Copy(typeof(EarlyTestHost).Assembly.Location)));

    [Fact]
    public void CanStartEarly_BesideTestcontainers_False()
    {
        var assembly = Copy(typeof(Assert).Assembly.Location);
        File.WriteAllBytes(Path.Combine(_directory, "Testcontainers.dll"), []);

        Assert.False(EarlyTestHost.CanStartEarly(assembly));
    }

    private string Copy(string assembly)
    {
        var copy = Path.Combine(_directory, Path.GetFileName(assembly));
        File.Copy(assembly, copy, overwrite: true);
        return copy;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
