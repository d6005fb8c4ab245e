using System.Net;
using Drydock.Runtime;
using Drydock.Testing.Tests.Support;

namespace Drydock.Testing.Tests;

/// <summary>Where the engine is, and where its published ports answer, from the settings a user has.</summary>
public sealed class EngineLocations
{
    [Theory]
    [InlineData("tcp://docker:2375", "docker")]
    [InlineData("tcp://10.231.0.2:2376", "10.231.0.2")]
    [InlineData("ssh://ci@build-host:2222", "build-host")]
    [InlineData("tcp://[fd00::5]:2375", "fd00::5")]
    [InlineData("tcp://localhost:2375", null)] // a pod's dind sidecar: the ports answer on the shared loopback
    [InlineData("tcp://127.0.0.1:2375", null)]
    [InlineData("unix:///var/run/docker.sock", null)]
    [InlineData("npipe:////./pipe/docker_engine", null)]
    [InlineData("", null)]
    public void Host_FromTheEndpoint(string uri, string? host)
    {
        var endpoint = new EngineEndpoint(uri, "test");

        Assert.Equal(host, endpoint.Host);
        Assert.Equal(uri.Length == 0 || uri.StartsWith("unix", StringComparison.Ordinal) || uri.StartsWith("npipe", StringComparison.Ordinal), endpoint.IsLocalSocket);
    }

    [Fact]
    public async Task Resolve_DockerHostWinsOverTheCurrentContext()
    {
        var config = Directory.CreateTempSubdirectory("drydock-context-");
        try
        {
            var environment = new Dictionary<string, string?> { ["DOCKER_CONFIG"] = config.FullName, ["DOCKER_HOST"] = null, ["DOCKER_CONTEXT"] = null };
            var created = Shell.Run("docker", ["context", "create", "ci", "--docker", $"host=ssh://root@{TestEngines.RemoteAddress}"], TimeSpan.FromSeconds(30), environment);
            Assert.True(created.Succeeded, created.StandardError);
            Assert.True(Shell.Run("docker", ["context", "use", "ci"], TimeSpan.FromSeconds(30), environment).Succeeded);

            // A context as 'docker context create' and 'use' write it (config.json's currentContext, the context's meta.json).
            var context = await ResolveWithAsync(environment);
            Assert.Equal($"ssh://root@{TestEngines.RemoteAddress}", context.Uri);
            Assert.Equal("context 'ci' (docker context use)", context.Source);
            Assert.Equal(TestEngines.RemoteAddress, context.Host);

            // DOCKER_HOST wins over it, as in the CLI.
            environment["DOCKER_HOST"] = "tcp://10.231.0.2:2376";
            var host = await ResolveWithAsync(environment);
            Assert.Equal("tcp://10.231.0.2:2376", host.Uri);
            Assert.Equal("DOCKER_HOST", host.Source);
            Assert.True(host.IsRemote);
        }
        finally
        {
            config.Delete(recursive: true);
        }
    }

    /// <summary>The CLI reads this process's environment: set for the call, then restored (the tests run one at a time).</summary>
    private static async Task<EngineEndpoint> ResolveWithAsync(Dictionary<string, string?> environment)
    {
        var saved = environment.Keys.ToDictionary(name => name, Environment.GetEnvironmentVariable);
        foreach (var (name, value) in environment)
        {
            Environment.SetEnvironmentVariable(name, value);
        }

        try
        {
            return await EngineEndpoint.ResolveAsync("docker", Environment.GetEnvironmentVariable, CancellationToken.None);
        }
        finally
        {
            foreach (var (name, value) in saved)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }

    [Fact]
    public void AppAddress_Precedence_ExplicitThenTestcontainersThenEngine()
    {
        var engine = new EngineEndpoint("tcp://10.231.0.2:2375", "DOCKER_HOST");
        string? None(string name) => null;
        string? Override(string name) => name == "TESTCONTAINERS_HOST_OVERRIDE" ? "10.0.0.9" : null;

        Assert.Equal(IPAddress.Parse("10.231.0.2"), AppAddress.Resolve(engine, null, None).Address);
        Assert.Equal(IPAddress.Parse("10.0.0.9"), AppAddress.Resolve(engine, null, Override).Address);
        Assert.Equal(IPAddress.Parse("10.0.0.7"), AppAddress.Resolve(engine, "10.0.0.7", Override).Address);
        Assert.Equal(IPAddress.Loopback, AppAddress.Resolve(EngineEndpoint.Local, null, None).Address);
        Assert.True(AppAddress.Resolve(EngineEndpoint.Local, null, None).IsLoopback);
        Assert.Equal(IPAddress.Loopback, AppAddress.Resolve(engine, "localhost", None).Address);
    }

    [Fact]
    public void AppAddress_HostThatDoesNotResolve_Dry5107NamingItAndWhereItCameFrom()
    {
        var engine = new EngineEndpoint("tcp://dind.invalid:2375", "DOCKER_HOST");

        var failure = Assert.Throws<InvalidOperationException>(() => AppAddress.Resolve(engine, null, _ => null));

        Assert.StartsWith("DRY5107: ", failure.Message, StringComparison.Ordinal);
        Assert.Contains("'dind.invalid'", failure.Message, StringComparison.Ordinal);
        Assert.Contains("tcp://dind.invalid:2375 (from DOCKER_HOST)", failure.Message, StringComparison.Ordinal);
        Assert.Contains("DrydockTestHost", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_TestHost_ReadAndChecked()
    {
        string? With(string host, string name) => name switch { "DRYDOCK_IMAGE" => "app:1", "DRYDOCK_TEST_HOST" => host, _ => null };

        Assert.Equal("docker", Settings.Read(name => With("docker", name)).Host);
        var bad = Assert.Throws<InvalidOperationException>(() => Settings.Read(name => With("tcp://docker:2375", name)));
        Assert.StartsWith("DRY5103: DRYDOCK_TEST_HOST is 'tcp://docker:2375'", bad.Message, StringComparison.Ordinal);
    }
}
