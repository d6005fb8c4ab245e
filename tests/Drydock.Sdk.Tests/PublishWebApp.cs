using System.Net.Http;
using System.Net.Sockets;
using Drydock.Sdk.Tests.Support;

namespace Drydock.Sdk.Tests;

/// <summary>
/// The main scenario: a web app with a PackageReference to Drydock.Sdk, in a git repository, published
/// with `dotnet publish`: an OCI archive under obj/, stamped, loaded into the engine LocalRegistry names
/// (Docker Engine or podman), runnable, reported.
/// </summary>
public sealed class PublishWebApp : IDisposable
{
    private readonly TestProject _project = TestProject.Create("shopapi", properties: "<ContainerRepository>shop/api</ContainerRepository>");

    [Theory]
    [MemberData(nameof(Oci.BothEngines), MemberType = typeof(Oci))]
    public void Publish_builds_stamps_loads_and_reports_the_image(string engine)
    {
        // The project's own ContainerArchiveOutputPath (a folder) gets a copy of the normalized archive.
        var publish = _project.Publish("-p:ContainerArchiveOutputPath=../images/", $"-p:LocalRegistry={engine}");

        Assert.True(publish.Succeeded, publish.StandardOutput + publish.StandardError);
        Assert.True(File.Exists(_project.ArchivePath));
        var head = _project.Git("rev-parse", "HEAD");
        var digest = Oci.ManifestDigest(_project.ArchivePath);
        Assert.Equal(digest, Oci.ManifestDigest(Path.Combine(_project.Root, "images", "api.tar")));

        var config = Oci.Config(_project.ArchivePath);
        var labels = config["config"]!["Labels"]!;
        Assert.Equal(head, (string?)labels["org.opencontainers.image.revision"]);
        Assert.Equal("2026-01-02T03:04:05Z", (string?)labels["org.opencontainers.image.created"]);
        Assert.Equal("main", (string?)labels["io.drydock.git.branch"]);
        Assert.Equal("false", (string?)labels["io.drydock.git.dirty"]);
        Assert.Equal("Release", (string?)labels["io.drydock.build.configuration"]);
        // Named as the project asked for it, not by the mirror it was pulled from (DrydockBaseRegistry).
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled", (string?)labels["org.opencontainers.image.base.name"]);
        Assert.Equal("2026-01-02T03:04:05Z", (string?)config["created"]);
        Assert.All(config["history"]!.AsArray(), entry => Assert.Equal("2026-01-02T03:04:05Z", (string?)entry!["created"]));

        var annotations = Oci.Manifest(_project.ArchivePath)["annotations"]!;
        Assert.Equal(head, (string?)annotations["org.opencontainers.image.revision"]);
        Assert.Equal("2026-01-02T03:04:05Z", (string?)annotations["org.opencontainers.image.created"]);

        // Non-root, as the chiseled bases are.
        var user = (string?)config["config"]!["User"];
        Assert.False(string.IsNullOrEmpty(user) || user is "0" or "root" || user.StartsWith("0:", StringComparison.Ordinal), $"user '{user}'");

        var report = _project.Report();
        Assert.Equal(digest, (string?)report["image"]!["digest"]);
        Assert.Equal("shop/api", (string?)report["image"]!["repository"]);
        Assert.Equal(head, (string?)report["source"]!["revision"]);
        Assert.Equal(engine, (string?)report["runtime"]);
        var tags = report["image"]!["tags"]!.AsArray().Select(tag => (string)tag!).ToArray();
        Assert.Contains($"sha-{head[..7]}", tags);
        Assert.Contains("main", tags);

        // Loaded into the engine under every tag, as the very image in the archive.
        var configDigest = (string)report["image"]!["configDigest"]!;
        foreach (var tag in tags)
        {
            var id = Oci.Engine(engine, "image", "inspect", "--format", "{{.Id}}", $"shop/api:{tag}");
            Assert.True(id.Succeeded, id.StandardError);
            Assert.Equal(configDigest.Replace("sha256:", ""), id.StandardOutput.Trim().Replace("sha256:", ""));
        }

        // A chiseled base has no shell.
        var shell = Oci.Engine(engine, "run", "--rm", "--entrypoint", "/bin/sh", $"shop/api:{tags[0]}", "-c", "true");
        Assert.False(shell.Succeeded);

        // And the image runs the app.
        Assert.Equal("Hello from a Drydock test!", RunAndGet(engine, $"shop/api:{tags[0]}"));
    }

    public void Dispose()
    {
        Oci.RemoveRepository("shop/api");
        _project.Dispose();
    }

    private static string RunAndGet(string engine, string image)
    {
        var name = "drydock-test-" + Guid.NewGuid().ToString("N")[..8];
        var port = FreePort();
        try
        {
            var run = Oci.Engine(engine, "run", "-d", "--name", name, "-p", $"127.0.0.1:{port}:8080", image);
            Assert.True(run.Succeeded, run.StandardError);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                try
                {
                    return http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/")).GetAwaiter().GetResult();
                }
                catch (Exception e) when ((e is HttpRequestException or TaskCanceledException) && DateTime.UtcNow < deadline)
                {
                    Thread.Sleep(200);
                }
            }
        }
        finally
        {
            Oci.Engine(engine, "rm", "--force", name);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
