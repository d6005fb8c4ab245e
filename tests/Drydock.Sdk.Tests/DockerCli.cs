using Drydock.Sdk.Tests.Support;

namespace Drydock.Sdk.Tests;

/// <summary>
/// The docker path: `LocalRegistry=Docker` loads and tests through the `docker` CLI. This machine has
/// no docker engine, so `docker` here is podman's docker shim (what the podman-docker package
/// installs: a `docker` that runs podman), first on PATH.
/// </summary>
public sealed class DockerCli : IDisposable
{
    private readonly TestProject _project = TestProject.Create("viadocker", program: TestApps.Web);

    [Fact]
    public void LocalRegistry_Docker_loads_and_tests_through_the_docker_cli()
    {
        var shim = Path.Combine(_project.Root, "shim");
        Directory.CreateDirectory(shim);
        var docker = Path.Combine(shim, "docker");
        File.WriteAllText(docker, "#!/bin/sh\necho \"$*\" >> \"$(dirname \"$0\")/calls.log\"\nexec podman \"$@\"\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(docker, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        _project.Environment["PATH"] = shim + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        _project.AddImageTests("""
                [Fact]
                public async Task Answers()
                {
                    Assert.Equal("docker", Environment.GetEnvironmentVariable("DRYDOCK_RUNTIME"));
                    await using var app = await image.StartAsync();
                    Assert.Equal("Hello from a Drydock test!", await app.Http.GetStringAsync("/"));
                }
            """);

        var publish = _project.Publish("-p:LocalRegistry=Docker");

        Assert.True(publish.Succeeded, publish.StandardOutput);
        Assert.Equal("docker", (string?)_project.Report()["runtime"]);
        Assert.Equal(1, (int)_project.Report()["tests"]![0]!["passed"]!);
        var calls = File.ReadAllLines(Path.Combine(shim, "calls.log"));
        Assert.Contains(calls, call => call.StartsWith("load ", StringComparison.Ordinal));
        Assert.Contains(calls, call => call.StartsWith("run ", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        Oci.RemoveRepository("viadocker");
        _project.Dispose();
    }
}
