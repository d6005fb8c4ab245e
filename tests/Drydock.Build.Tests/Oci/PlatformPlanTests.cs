using Drydock.Build.Diagnostics;
using Drydock.Build.Oci;

namespace Drydock.Build.Tests.Oci;

public sealed class PlatformPlanTests : IDisposable
{
    private readonly string _assets = Path.Combine(Path.GetTempPath(), $"drydock-assets-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(_assets);

    [Theory]
    [InlineData("linux-x64", "linux-x64;linux-arm64", new string[0])]
    [InlineData("", "linux-x64;linux-arm64", new[] { "linux-x64", "linux-arm64" })]
    [InlineData(null, " linux-arm64 ; linux-arm64 ", new[] { "linux-arm64" })]
    [InlineData("", "", new string[0])]
    public void MultiPlatformRids_AsTheSdkDecides(string? rid, string rids, string[] expected) =>
        Assert.Equal(expected, PlatformPlan.MultiPlatformRids(rid, rids));

    [Fact]
    public void CheckRestored_EveryRidRestored_Passes()
    {
        File.WriteAllText(_assets, """{ "targets": { "net10.0": {}, "net10.0/linux-x64": {}, "net10.0/linux-arm64": {} } }""");

        PlatformPlan.CheckRestored(["linux-x64", "linux-arm64"], _assets, "net10.0");
    }

    [Fact]
    public void CheckRestored_RidMissing_Dry2021NamingItAndWhatToAdd()
    {
        File.WriteAllText(_assets, """{ "targets": { "net10.0": {}, "net10.0/linux-x64": {} } }""");

        var e = Assert.Throws<DrydockException>(() => PlatformPlan.CheckRestored(["linux-x64", "linux-arm64"], _assets, "net10.0"));

        Assert.Equal(KnownCodes.PlatformNotRestored, e.Code);
        Assert.Contains("did not include linux-arm64", e.Message);
        Assert.Contains("<RuntimeIdentifiers>linux-x64;linux-arm64</RuntimeIdentifiers>", e.Message);
    }

    [Theory]
    [InlineData("podman", "Podman")]
    [InlineData("DOCKER", "Docker")]
    [InlineData("containerd", "Podman")]
    public void CheckLocalRegistry_MultiPlatformSpelledOtherwise_Dry3004NamingTheSpelling(string given, string suggested)
    {
        var e = Assert.Throws<DrydockException>(() => PlatformPlan.CheckLocalRegistry(["linux-x64", "linux-arm64"], given));

        Assert.Equal(KnownCodes.NoRuntime, e.Code);
        Assert.Contains($"'{given}'", e.Message);
        Assert.Contains($"set LocalRegistry={suggested}", e.Message);
    }

    [Theory]
    [InlineData("Podman")]
    [InlineData("Docker")]
    [InlineData("")]
    [InlineData(null)]
    public void CheckLocalRegistry_SpelledAsTheSdkAccepts_Passes(string? given) =>
        PlatformPlan.CheckLocalRegistry(["linux-x64", "linux-arm64"], given);

    [Fact]
    public void CheckLocalRegistry_OnePlatform_AnyCase_Passes() =>
        PlatformPlan.CheckLocalRegistry([], "podman");
}
