namespace Drydock.Testing.Tests.Support;

/// <summary>Every runtime-dependent test runs on both engines eng/setup.sh starts: Docker Engine and rootful podman.</summary>
public static class TestEngines
{
    public static readonly string[] Names = ["docker", "podman"];

    public static TheoryData<string> Both => [.. Names];
}
