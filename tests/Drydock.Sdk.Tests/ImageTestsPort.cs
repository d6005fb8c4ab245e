using Drydock.Sdk.Tests.Support;

namespace Drydock.Sdk.Tests;

/// <summary>
/// The tests talk to the port the image says its app listens on: with <c>ContainerPort 5000</c> and
/// <c>ASPNETCORE_HTTP_PORTS=5000</c>, no <c>ContainerTestPort</c> is needed.
/// </summary>
public sealed class ImageTestsPort : IDisposable
{
    private readonly TestProject _project = TestProject.Create("port5000", program: TestApps.Web, items: """
        <ContainerPort Include="5000" Type="tcp" />
        <ContainerEnvironmentVariable Include="ASPNETCORE_HTTP_PORTS" Value="5000" />
        """);

    public ImageTestsPort() =>
        // Another engine may answer on this machine (docker before 25 cannot load OCI archives): podman, explicitly.
        _project.Environment["LocalRegistry"] = "Podman";

    [Fact]
    public void An_app_on_port_5000_is_tested_on_5000_without_ContainerTestPort()
    {
        _project.AddImageTests("""
                [Fact]
                public async Task Answers_on_the_image_port()
                {
                    await using var app = await image.StartAsync();
                    Assert.Equal("Hello from a Drydock test!", await app.Http.GetStringAsync("/"));
                }
            """);

        var publish = _project.Publish("-p:ContainerTestTimeout=20s", "-v:d");

        Assert.True(publish.Succeeded, publish.StandardOutput);
        Assert.Contains("DRYDOCK_TEST_PORT=5000 (from the image's ExposedPorts)", publish.StandardOutput);
        Assert.Equal(1, (int)_project.Report()["tests"]![0]!["passed"]!);
        var exposed = Oci.Config(_project.ArchivePath)["config"]!["ExposedPorts"]!.AsObject();
        Assert.Equal(["5000/tcp"], exposed.Select(pair => pair.Key));
    }

    [Fact]
    public void An_image_with_two_ports_stops_with_DRY5006_listing_them_until_ContainerTestPort_says_which()
    {
        using var project = TestProject.Create("twoports", program: TestApps.Web, items: """
            <ContainerPort Include="5000" Type="tcp" />
            <ContainerPort Include="9090" Type="tcp" />
            <ContainerEnvironmentVariable Include="ASPNETCORE_HTTP_PORTS" Value="5000" />
            """);
        project.Environment["LocalRegistry"] = "Podman";
        project.AddImageTests("""
                [Fact]
                public async Task Answers()
                {
                    await using var app = await image.StartAsync();
                    Assert.Equal("Hello from a Drydock test!", await app.Http.GetStringAsync("/"));
                }
            """);

        try
        {
            var ambiguous = project.Publish();

            Assert.False(ambiguous.Succeeded);
            Assert.Contains($"error {Drydock.Build.Diagnostics.KnownCodes.AmbiguousTestPort}:", ambiguous.StandardOutput);
            Assert.Contains("5000/tcp, 9090/tcp", ambiguous.StandardOutput);
            Assert.Contains("ContainerTestPort", ambiguous.StandardOutput);
            // The report before the tests (cancelled: true) was replaced by the one of this error.
            Assert.False((bool)project.Report()["cancelled"]!);

            var chosen = project.Publish("-p:ContainerTestPort=5000");

            Assert.True(chosen.Succeeded, chosen.StandardOutput);
        }
        finally
        {
            Oci.RemoveRepository("twoports");
        }
    }

    public void Dispose()
    {
        Oci.RemoveRepository("port5000");
        _project.Dispose();
    }
}
