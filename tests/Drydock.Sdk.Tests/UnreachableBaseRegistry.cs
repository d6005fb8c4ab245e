using Drydock.Build.Diagnostics;
using Drydock.Sdk.Tests.Support;

namespace Drydock.Sdk.Tests;

/// <summary>
/// A base image on a registry this machine cannot resolve (offline, as this machine is for mcr.microsoft.com; here
/// <c>.invalid</c>, which never resolves): DRY2036 names the setting, instead of the SDK's stack trace (MSB4018).
/// </summary>
public sealed class UnreachableBaseRegistry : IDisposable
{
    private readonly TestProject _project = TestProject.Create("offlinebase");

    [Fact]
    public void The_publish_stops_with_DRY2036_naming_DrydockBaseRegistry()
    {
        var publish = _project.Publish("-p:ContainerBaseImage=registry.invalid/dotnet/aspnet:10.0");

        Assert.False(publish.Succeeded);
        Assert.Contains($"error {KnownCodes.BaseRegistryUnresolved}:", publish.StandardOutput);
        Assert.Contains("set DrydockBaseRegistry", publish.StandardOutput);
        Assert.DoesNotContain("MSB4018", publish.StandardOutput);
    }

    public void Dispose() => _project.Dispose();
}
