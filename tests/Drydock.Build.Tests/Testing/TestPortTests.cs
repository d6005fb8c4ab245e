using System.Text.Json.Nodes;
using Drydock.Build.Diagnostics;
using Drydock.Build.Testing;

namespace Drydock.Build.Tests.Testing;

public sealed class TestPortTests
{
    [Theory]
    [InlineData("""{"ExposedPorts":{"5000/tcp":{}},"Env":["ASPNETCORE_HTTP_PORTS=5000"]}""", "5000")]
    [InlineData("""{"ExposedPorts":{"8080":{}}}""", "8080")]
    [InlineData("""{"ExposedPorts":{"8080/tcp":{},"5353/udp":{}}}""", "8080")]
    [InlineData("""{"Env":["ASPNETCORE_HTTP_PORTS=5000"]}""", "5000")]
    [InlineData("""{"Env":["ASPNETCORE_HTTP_PORTS=5000","ASPNETCORE_URLS=http://+:7000"]}""", "7000")]
    [InlineData("""{"Env":["ASPNETCORE_URLS=http://[::]:6000;https://+:6001"]}""", "6000")]
    [InlineData("""{"Env":["ASPNETCORE_URLS=http://localhost"]}""", "80")]
    [InlineData("""{"Env":["ASPNETCORE_HTTP_PORTS=8080","ASPNETCORE_HTTP_PORTS=9090"]}""", "9090")]
    public void Resolve_OnePortInTheImage_IsTheTestPort(string image, string port) =>
        Assert.Equal(port, TestPort.Resolve(null, Config(image)).Value);

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"Env":["DOTNET_VERSION=10.0.0"]}""")]
    [InlineData("""{"ExposedPorts":{"5353/udp":{}}}""")]
    [InlineData("""{"Env":["ASPNETCORE_URLS=https://+:443"]}""")]
    public void Resolve_NoPortInTheImage_IsNone_NotAnError(string image)
    {
        var choice = TestPort.Resolve("", Config(image));

        Assert.Equal(TestPort.None, choice.Value);
        Assert.NotEmpty(choice.Source);
    }

    [Theory]
    [InlineData("""{"ExposedPorts":{"8080/tcp":{},"8081/tcp":{}}}""", "8080/tcp, 8081/tcp")]
    [InlineData("""{"Env":["ASPNETCORE_HTTP_PORTS=8080;8081"]}""", "ASPNETCORE_HTTP_PORTS=8080;8081")]
    [InlineData("""{"Env":["ASPNETCORE_URLS=http://+:5000;http://+:5001"]}""", "ASPNETCORE_URLS=http://+:5000;http://+:5001")]
    public void Resolve_SeveralPorts_DRY5006ListsThemAndNamesContainerTestPort(string image, string listed)
    {
        var error = Assert.Throws<DrydockException>(() => TestPort.Resolve(null, Config(image)));

        Assert.Equal(KnownCodes.AmbiguousTestPort, error.Code);
        Assert.Contains(listed, error.Message);
        Assert.Contains("ContainerTestPort", error.Message);
    }

    [Theory]
    [InlineData("9000", "9000")]
    [InlineData(" 9000 ", "9000")]
    [InlineData("none", "none")]
    [InlineData("None", "none")]
    public void Resolve_ContainerTestPort_Wins(string given, string port)
    {
        var choice = TestPort.Resolve(given, Config("""{"ExposedPorts":{"8080/tcp":{},"8081/tcp":{}}}"""));

        Assert.Equal(port, choice.Value);
        Assert.Equal("ContainerTestPort", choice.Source);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("65536")]
    [InlineData("http")]
    [InlineData("-1")]
    public void Resolve_MalformedContainerTestPort_DRY2010(string given)
    {
        var error = Assert.Throws<DrydockException>(() => TestPort.Resolve(given, Config("{}")));

        Assert.Equal(KnownCodes.InvalidTestPort, error.Code);
        Assert.Contains($"'{given}'", error.Message);
    }

    private static JsonObject Config(string image) =>
        new() { ["architecture"] = "amd64", ["os"] = "linux", ["config"] = JsonNode.Parse(image) };
}
