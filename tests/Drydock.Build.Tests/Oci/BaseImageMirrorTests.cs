using Drydock.Build.Oci;

namespace Drydock.Build.Tests.Oci;

public sealed class BaseImageMirrorTests
{
    [Theory]
    [InlineData("mcr.microsoft.com/dotnet/aspnet:10.0", "localhost:5000", "localhost:5000/dotnet/aspnet:10.0")]
    [InlineData("mcr.microsoft.com/dotnet/aspnet@sha256:abc", "mirror.example.com/mcr/", "mirror.example.com/mcr/dotnet/aspnet@sha256:abc")]
    [InlineData("mcr.microsoft.com/dotnet/aspnet:10.0", null, "mcr.microsoft.com/dotnet/aspnet:10.0")]
    [InlineData("mcr.microsoft.com/dotnet/aspnet:10.0", " ", "mcr.microsoft.com/dotnet/aspnet:10.0")]
    [InlineData("docker.io/library/ubuntu:24.04", "localhost:5000", "docker.io/library/ubuntu:24.04")]
    [InlineData("mcr.microsoft.com.evil.example/x:1", "localhost:5000", "mcr.microsoft.com.evil.example/x:1")]
    public void Pulled_RewritesOnlyMicrosoftsRegistry(string reference, string? mirror, string expected) =>
        Assert.Equal(expected, BaseImageMirror.Pulled(reference, mirror));
}
