using Drydock.Build.Diagnostics;
using Drydock.Build.Oci;
using Drydock.Build.Runtime;
using Drydock.Build.Tests.Oci;
using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Runtime;

/// <summary>
/// Against the machine's real engines (eng/setup.sh starts Docker Engine and installs podman;
/// CONTAINERS_CONF comes from eng/env.sh). Changes DOCKER_* variables of this process, so not parallel.
/// </summary>
[Collection(nameof(LocalEngineTests))]
[CollectionDefinition(nameof(LocalEngineTests), DisableParallelization = true)]
public sealed class LocalEngineTests
{
    [Theory]
    [InlineData("Podman", "podman")]
    [InlineData("Docker", "docker")]
    public void Resolve_LocalRegistry_UsesThatEngine(string localRegistry, string command)
    {
        var log = new ListBuildLog();

        var engine = LocalEngine.Resolve(localRegistry, log, CancellationToken.None);

        Assert.Equal(command, engine?.Command);
        Assert.Contains(log.Details, line => line.StartsWith($"Drydock: runtime={command} (from LocalRegistry; endpoint ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Resolve_DockerHostOfARemoteEngine_NamedInTheLog()
    {
        // The remote engine eng/remote-engine.sh starts (its own network, PID and mount namespaces), as a dind service.
        var log = new ListBuildLog();
        string? Environment(string name) => name == "DOCKER_HOST" ? "tcp://10.231.0.2:2375" : System.Environment.GetEnvironmentVariable(name);

        var engine = LocalEngine.Resolve("", log, CancellationToken.None, Environment);
        var images = await engine!.ImagesAsync(["drydock-remote-probe:none"], CancellationToken.None);

        Assert.Equal("docker at tcp://10.231.0.2:2375", engine.ToString());
        Assert.True(engine.Endpoint.IsRemote);
        Assert.Contains("Drydock: runtime=docker at tcp://10.231.0.2:2375 (detected; endpoint tcp://10.231.0.2:2375 (from DOCKER_HOST))", log.Details);
        Assert.Empty(images); // asked over TCP, of the remote engine
    }

    [Fact]
    public void Resolve_Empty_DockerFirstAsTheSdk()
    {
        var log = new ListBuildLog();

        var engine = LocalEngine.Resolve("", log, CancellationToken.None);

        Assert.Equal("docker", engine?.Command);
        Assert.Contains(log.Details, line => line.StartsWith("Drydock: runtime=docker (detected; endpoint ", StringComparison.Ordinal));
    }

    [Fact]
    public void Resolve_EmptyWithDockerHostUnreachable_FallsBackToPodman()
    {
        using var _ = new DockerVariables(("DOCKER_HOST", "unix:///nonexistent/docker.sock"));

        var engine = LocalEngine.Resolve(null, new ListBuildLog(), CancellationToken.None);

        Assert.Equal("podman", engine?.Command);
    }

    [Fact]
    public void Resolve_LocalRegistryUnknown_FailsWithDRY3004()
    {
        var error = Assert.Throws<DrydockException>(() => LocalEngine.Resolve("Containerd", new ListBuildLog(), CancellationToken.None));

        Assert.Equal(KnownCodes.NoRuntime, error.Code);
        Assert.Contains("'Docker' or 'Podman'", error.Message);
    }

    [Fact]
    public void Load_LocalRegistryDockerWithDockerHostUnreachable_FailsWithDRY3004()
    {
        using var temp = new TempDirectory();
        using var _ = new DockerVariables(("DOCKER_HOST", "unix:///nonexistent/docker.sock"));

        var error = Assert.Throws<DrydockException>(() => LoadInto("Docker", temp));

        Assert.Equal(KnownCodes.NoRuntime, error.Code);
        Assert.Contains("DOCKER_HOST", error.Message);
        Assert.Contains("DrydockLoadImage=false", error.Message);
    }

    [Fact]
    public void Resolve_DockerContext_IsHonoured()
    {
        // A context of one's own, in a config directory of one's own: the machine's docker config is not touched.
        using var temp = new TempDirectory();
        using var _ = new DockerVariables(("DOCKER_CONFIG", temp.Path), ("DOCKER_HOST", null), ("DOCKER_CONTEXT", null));
        foreach (var (name, host) in new[] { ("dead", "unix:///nonexistent/docker.sock"), ("live", "unix:///var/run/docker.sock") })
        {
            var create = Drydock.Processes.ProcessRunner.Run("docker", ["context", "create", name, "--docker", $"host={host}"], TimeSpan.FromSeconds(30), CancellationToken.None);
            Assert.True(create.Succeeded, create.StandardError);
        }

        Environment.SetEnvironmentVariable("DOCKER_CONTEXT", "dead");
        var dead = Assert.Throws<DrydockException>(() => LoadInto("Docker", temp));
        Environment.SetEnvironmentVariable("DOCKER_CONTEXT", "live");
        var live = Assert.Throws<DrydockException>(() => LoadInto("Docker", temp));

        Assert.Equal(KnownCodes.NoRuntime, dead.Code);
        Assert.Equal(KnownCodes.RuntimeLoadFailed, live.Code); // reached: it refuses the archive that is no image
    }

    /// <summary>Loads an archive that is no image into the engine <paramref name="localRegistry"/> names.</summary>
    private static bool LoadInto(string localRegistry, TempDirectory temp)
    {
        var engine = LocalEngine.Resolve(localRegistry, new ListBuildLog(), CancellationToken.None)!;
        return LocalEngine.Load(engine, temp.Write("broken.tar", "this is not an image archive"), "sha256:" + new string('0', 64), ["drydock-test/broken:1"], new ListBuildLog(), CancellationToken.None);
    }

    [Theory]
    [InlineData("Podman")]
    [InlineData("Docker")]
    public void Load_ArchiveThatIsNoImage_FailsWithDRY3003(string localRegistry)
    {
        using var temp = new TempDirectory();
        var archive = temp.Write("broken.tar", "this is not an image archive");
        var engine = LocalEngine.Resolve(localRegistry, new ListBuildLog(), CancellationToken.None)!;

        var error = Assert.Throws<DrydockException>(() =>
            LocalEngine.Load(engine, archive, "sha256:" + new string('0', 64), ["drydock-test/broken:1"], new ListBuildLog(), CancellationToken.None));

        Assert.Equal(KnownCodes.RuntimeLoadFailed, error.Code);
        Assert.Contains(archive, error.Message);
        Assert.Contains($"'{engine.Command} load' failed", error.Message);
    }

    [Fact]
    public void Load_Podman_LeavesOutTheLayersItStores_AndTheImageIsWhole()
    {
        using var temp = new TempDirectory();
        var engine = LocalEngine.Resolve("Podman", new ListBuildLog(), CancellationToken.None)!;
        var repository = $"localhost/drydock-test/thin-{Guid.NewGuid():N}";
        var first = Image(temp, "first", $"{repository}:sha-1");
        var second = Image(temp, "second", $"{repository}:sha-2");
        var log = new ListBuildLog();
        try
        {
            LocalEngine.Load(engine, first.ArchivePath, first.ConfigDigest.ToString(), [$"{repository}:sha-1", $"{repository}:main"], new ListBuildLog(), CancellationToken.None);

            // main points at the first image, whose base layer the second shares.
            var loaded = LocalEngine.Load(engine, second.ArchivePath, second.ConfigDigest.ToString(), [$"{repository}:sha-2", $"{repository}:main"], log, CancellationToken.None);

            Assert.True(loaded);
            Assert.Contains(log.Details, line => line.StartsWith("Drydock: podman: 1 of 2 layers already there (", StringComparison.Ordinal) && line.Contains(" not sent), ", StringComparison.Ordinal));
            Assert.False(File.Exists(second.ArchivePath + ".load.tar"));
            Assert.Equal(second.ConfigDigest.ToString(), "sha256:" + Podman("image", "inspect", "--format", "{{.Id}}", $"{repository}:main"));
            var mount = Podman("image", "mount", $"{repository}:sha-2");
            Assert.Equal("second", File.ReadAllText(Path.Combine(mount, "app", "web.dll")));
            Assert.True(File.Exists(Path.Combine(mount, "usr", "share", "dotnet", "dotnet"))); // the base layer, left out of the load
        }
        finally
        {
            Drydock.Processes.ProcessRunner.Run("podman", ["image", "unmount", "--all"], TimeSpan.FromSeconds(30), CancellationToken.None);
            Drydock.Processes.ProcessRunner.Run("podman", ["rmi", "--force", $"{repository}:sha-1", $"{repository}:sha-2", $"{repository}:main"], TimeSpan.FromSeconds(60), CancellationToken.None);
        }
    }

    [Fact]
    public void Load_AfterARecordedLoadOfAnotherImage_LoadsWithoutAsking_AndLoadsWholeWhenTheRecordedLayersAreGone()
    {
        using var temp = new TempDirectory();
        var engine = LocalEngine.Resolve("Podman", new ListBuildLog(), CancellationToken.None)!;
        var repository = $"localhost/drydock-test/recorded-{Guid.NewGuid():N}";
        var first = Image(temp, "first", $"{repository}:sha-1");
        var second = Image(temp, "second", $"{repository}:sha-2");
        var third = Image(temp, "third", $"{repository}:sha-3");
        var names = (string tag) => new[] { $"{repository}:{tag}", $"{repository}:main" };
        try
        {
            LocalEngine.Load(engine, first.ArchivePath, first.ConfigDigest.ToString(), names("sha-1"), new ListBuildLog(), CancellationToken.None);
            var recorded = new LoadedImage("podman", first.ConfigDigest.ToString(), [.. OciArchive.Open(first.ArchivePath).DiffIds.Select(d => d.ToString())]);
            var log = new ListBuildLog();

            var loaded = LocalEngine.Load(engine, () => second.ArchivePath, second.ConfigDigest.ToString(), names("sha-2"), log, CancellationToken.None, recorded);

            Assert.True(loaded);
            Assert.Contains(log.Details, line => line.StartsWith("Drydock: podman: 1 of 2 layers already there (", StringComparison.Ordinal) && line.Contains(" not sent), ", StringComparison.Ordinal));
            Assert.Contains(log.Details, line => line.Contains("new since the last publish's " + first.ConfigDigest, StringComparison.Ordinal));
            Assert.Equal(second.ConfigDigest.ToString(), "sha256:" + Podman("image", "inspect", "--format", "{{.Id}}", $"{repository}:main"));

            // A record naming a layer podman does not store (removed since): it refuses the thin archive, and the whole one is loaded.
            var stale = recorded with { DiffIds = [OciArchive.Open(third.ArchivePath).DiffIds[^1].ToString()] };
            var fallback = new ListBuildLog();
            Assert.True(LocalEngine.Load(engine, () => third.ArchivePath, third.ConfigDigest.ToString(), names("sha-3"), fallback, CancellationToken.None, stale));
            Assert.Contains(fallback.Details, line => line.Contains("loading the whole archive", StringComparison.Ordinal));
            var mount = Podman("image", "mount", $"{repository}:sha-3");
            Assert.Equal("third", File.ReadAllText(Path.Combine(mount, "app", "web.dll")));
        }
        finally
        {
            Drydock.Processes.ProcessRunner.Run("podman", ["image", "unmount", "--all"], TimeSpan.FromSeconds(30), CancellationToken.None);
            Drydock.Processes.ProcessRunner.Run("podman", ["rmi", "--force", $"{repository}:sha-1", $"{repository}:sha-2", $"{repository}:sha-3", $"{repository}:main"], TimeSpan.FromSeconds(60), CancellationToken.None);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("tcp://10.231.0.2:2375")] // eng/remote-engine.sh: a dockerd in its own namespaces, reached over TCP
    public void Load_Docker_LeavesOutTheLayersWhoseChainItHolds_FallsBackWhenItDoesNot(string? dockerHost)
    {
        using var variables = new DockerVariables(("DOCKER_HOST", dockerHost), ("DOCKER_CONTEXT", null));
        using var temp = new TempDirectory();
        var engine = LocalEngine.Resolve("Docker", new ListBuildLog(), CancellationToken.None)!;
        var repository = $"drydock-test/thin-{Guid.NewGuid():N}";
        var first = Image(temp, "first", $"{repository}:sha-1");
        var second = Image(temp, "second", $"{repository}:sha-2");
        var third = Image(temp, "third", $"{repository}:sha-3");
        var names = (string tag) => new[] { $"{repository}:{tag}", $"{repository}:main" };
        try
        {
            LocalEngine.Load(engine, first.ArchivePath, first.ConfigDigest.ToString(), names("sha-1"), new ListBuildLog(), CancellationToken.None);
            var log = new ListBuildLog();

            // main names the first image, whose base layer (the chain of its first diff_id) the second shares.
            Assert.True(LocalEngine.Load(engine, second.ArchivePath, second.ConfigDigest.ToString(), names("sha-2"), log, CancellationToken.None));

            Assert.Contains(log.Details, line => line.StartsWith($"Drydock: {engine}: 1 of 2 layers already there (", StringComparison.Ordinal));
            Assert.Equal(second.ConfigDigest.ToString(), Docker("image", "inspect", "--format", "{{.Id}}", $"{repository}:main"));
            Assert.Equal("second", FileOf(repository + ":sha-2", "/app/web.dll"));
            Assert.NotEmpty(FileOf(repository + ":sha-2", "/usr/share/dotnet/dotnet")); // the base layer, left out of the load

            // A record that claims the third image's own app layer too: docker has no such chain, opens the
            // missing file and refuses; the whole archive is loaded, never other bytes.
            var stale = new LoadedImage(engine.ToString(), first.ConfigDigest.ToString(), [.. OciArchive.Open(third.ArchivePath).DiffIds.Select(d => d.ToString())]);
            var fallback = new ListBuildLog();
            Assert.True(LocalEngine.Load(engine, () => third.ArchivePath, third.ConfigDigest.ToString(), names("sha-3"), fallback, CancellationToken.None, stale));
            Assert.Contains(fallback.Details, line => line.Contains("loading the whole archive", StringComparison.Ordinal));
            Assert.Equal("third", FileOf(repository + ":sha-3", "/app/web.dll"));
            Assert.Equal(third.ConfigDigest.ToString(), Docker("image", "inspect", "--format", "{{.Id}}", $"{repository}:main"));
        }
        finally
        {
            Drydock.Processes.ProcessRunner.Run("docker", ["rmi", "--force", .. names("sha-1"), .. names("sha-2"), .. names("sha-3")], TimeSpan.FromSeconds(60), CancellationToken.None);
        }
    }

    [Theory]
    [InlineData("Docker")]
    [InlineData("Podman")]
    public void Load_FirstOfItsRepository_LeavesOutTheBaseImagesLayersWhenTheEngineHasTheBaseByName(string localRegistry)
    {
        using var temp = new TempDirectory();
        var engine = LocalEngine.Resolve(localRegistry, new ListBuildLog(), CancellationToken.None)!;
        var prefix = engine.Command == "podman" ? "localhost/" : "";
        var baseName = $"{prefix}drydock-test/base-{Guid.NewGuid():N}:1";
        var repository = $"{prefix}drydock-test/app-{Guid.NewGuid():N}";
        // Stands in for the base image: it starts with the fixture's base layer, as the app image does.
        var pulledBase = Image(temp, "base", baseName);
        var app = Image(temp, "app", $"{repository}:sha-1", new Dictionary<string, string> { ["org.opencontainers.image.base.name"] = baseName });
        try
        {
            LocalEngine.Load(engine, pulledBase.ArchivePath, pulledBase.ConfigDigest.ToString(), [baseName], new ListBuildLog(), CancellationToken.None);
            var log = new ListBuildLog();

            Assert.True(LocalEngine.Load(engine, app.ArchivePath, app.ConfigDigest.ToString(), [$"{repository}:sha-1"], log, CancellationToken.None));

            Assert.Contains(log.Details, line => line.StartsWith($"Drydock: {engine}: 1 of 2 layers already there (", StringComparison.Ordinal));
            Assert.Equal(app.ConfigDigest.ToString(), "sha256:" + Drydock.Processes.ProcessRunner.Run(engine.Command, ["image", "inspect", "--format", "{{.Id}}", $"{repository}:sha-1"],
                TimeSpan.FromSeconds(60), CancellationToken.None).StandardOutput.Trim().Replace("sha256:", "", StringComparison.Ordinal));
        }
        finally
        {
            Drydock.Processes.ProcessRunner.Run(engine.Command, ["rmi", "--force", baseName, $"{repository}:sha-1"], TimeSpan.FromSeconds(60), CancellationToken.None);
        }
    }

    [Theory]
    [InlineData("docker", new[] { "a", "b", "c" }, new[] { "a", "b", "x" }, new[] { 0, 1 })]
    [InlineData("docker", new[] { "a", "b", "c" }, new[] { "x", "b", "c" }, new int[0])] // same layers, another chain: docker opens them all
    [InlineData("docker", new[] { "a", "b" }, new[] { "a", "b", "c" }, new[] { 0, 1 })]
    [InlineData("podman", new[] { "a", "b", "c" }, new[] { "x", "b", "c" }, new[] { 1, 2 })] // podman stores layers by diff_id
    public void Held_ByChainOnDockerByLayerOnPodman(string command, string[] image, string[] held, int[] expected) =>
        Assert.Equal(expected, LocalEngine.Held(command, image, [held, ["z"]]));

    /// <summary>A file of the image, read through a created container (no shell needed, nothing runs).</summary>
    private static string FileOf(string image, string path)
    {
        var id = Docker("create", image, "none");
        try
        {
            var result = Drydock.Processes.ProcessRunner.Run("docker", ["cp", $"{id}:{path}", "-"], TimeSpan.FromSeconds(60), CancellationToken.None);
            Assert.True(result.Succeeded, result.StandardError);
            using var tar = new System.Formats.Tar.TarReader(new MemoryStream(System.Text.Encoding.Latin1.GetBytes(result.StandardOutput)));
            return tar.GetNextEntry() is { DataStream: { } data } ? new StreamReader(data).ReadToEnd() : "";
        }
        finally
        {
            Docker("rm", id);
        }
    }

    private static string Docker(params string[] arguments)
    {
        var result = Drydock.Processes.ProcessRunner.Run("docker", arguments, TimeSpan.FromSeconds(60), CancellationToken.None);
        Assert.True(result.Succeeded, result.StandardError);
        return result.StandardOutput.Trim();
    }

    /// <summary>A normalized image of the fixture's base layer and one app file holding <paramref name="content"/>.</summary>
    private static NormalizedImage Image(TempDirectory temp, string content, string name, IReadOnlyDictionary<string, string>? annotations = null) =>
        ImageNormalizer.Normalize(
            new SdkArchiveFixture { AppFiles = new Dictionary<string, string> { ["app/web.dll"] = content } }.Write(temp.File($"{content}-sdk.tar")),
            temp.File($"{content}.tar"),
            new NormalizeOptions { Epoch = DateTimeOffset.UnixEpoch.AddYears(54), Names = [name], Annotations = annotations ?? new Dictionary<string, string>() });

    private static string Podman(params string[] arguments)
    {
        var result = Drydock.Processes.ProcessRunner.Run("podman", arguments, TimeSpan.FromSeconds(60), CancellationToken.None);
        Assert.True(result.Succeeded, result.StandardError);
        return result.StandardOutput.Trim();
    }

    /// <summary>Sets DOCKER_* variables of this process for one test (a null removes one), and puts them back.</summary>
    private sealed class DockerVariables : IDisposable
    {
        private readonly (string Name, string? Value)[] _saved;

        public DockerVariables(params (string Name, string? Value)[] variables)
        {
            _saved = [.. variables.Select(variable => (variable.Name, Environment.GetEnvironmentVariable(variable.Name)))];
            foreach (var (name, value) in variables)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }

        public void Dispose()
        {
            foreach (var (name, value) in _saved)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }
}
