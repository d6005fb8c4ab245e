using Drydock.Runtime;
using Drydock.Testing.Tests.Support;

namespace Drydock.Testing.Tests;

/// <summary>
/// Test Explorer or a bare <c>dotnet test</c>, no DRYDOCK_* variables: the image the app's last publish
/// tested, from the obj/drydock-image.json it left in the test project, in a real git repository; it says
/// which commit, says when the repository has moved on, and without a publish gives the command.
/// </summary>
[Collection(WithTestImages.Name)]
public sealed class FromTheIde(TestImages images) : IDisposable
{
    private readonly string _repository = Path.Combine(Path.GetTempPath(), "drydock-ide-" + Guid.NewGuid().ToString("N")[..8]);

    private string App => Path.Combine(_repository, "src", "Shop", "Shop.csproj");

    private string TestOutput => Path.Combine(_repository, "tests", "Shop.ImageTests", "bin", "Release", "net10.0");

    [Theory]
    [MemberData(nameof(TestEngines.Both), MemberType = typeof(TestEngines))]
    public async Task LastPublish_SameCommit_TestsItsImageWithItsProfile(string engine)
    {
        var head = CreateRepository();
        Publish(engine, head);

        var options = Settings.Read(_ => null, TestOutput);
        await using var image = ImageUnderTest.For(options);
        await using var app = await image.StartAsync();
        var limits = await app.Http.GetStringAsync(new Uri("/env", UriKind.Relative));

        Assert.Equal(images.App, options.Image);
        Assert.Equal(engine, options.Runtime);
        Assert.Equal("300m", options.Profile.Memory);
        // The GC's heap limit is 75% of the container's memory: the recorded 300m reached the engine.
        Assert.EndsWith($" {(300L << 20) * 3 / 4}", limits, StringComparison.Ordinal);
        Assert.Contains($"built from commit {head[..12]}", options.Origin, StringComparison.Ordinal);
        // As that publish was run: on that engine.
        Assert.Contains($"'dotnet publish {App} -c Release -p:LocalRegistry={char.ToUpperInvariant(engine[0])}{engine[1..]}' last tested", options.Origin, StringComparison.Ordinal);
        Assert.DoesNotContain("another commit", options.Origin, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestEngines.Both), MemberType = typeof(TestEngines))]
    public async Task LastPublish_OfAnotherCommit_SaysWhichInOriginAndFailures(string engine)
    {
        var published = CreateRepository();
        Publish(engine, published);
        var head = Commit("change after the publish");

        var options = Settings.Read(_ => null, TestOutput);
        await using var image = ImageUnderTest.For(options);
        var failure = await Assert.ThrowsAsync<ContainerStartException>(() => image.StartAsync(o => o.Environment["TESTAPP_MODE"] = "crash"));

        Assert.Contains($"built from commit {published[..12]}", options.Origin, StringComparison.Ordinal);
        Assert.Contains($"now at commit {head[..12]}, so this image is of another commit", options.Origin, StringComparison.Ordinal);
        // The publish it suggests loads into the same engine, whichever answers first on this machine.
        Assert.Contains($"-c Release -p:LocalRegistry={char.ToUpperInvariant(engine[0])}{engine[1..]}'", options.Origin, StringComparison.Ordinal);
        Assert.Contains(options.Origin!, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LastPublish_OnTheRemoteEngine_StartsThereWhenTheEnvironmentNamesNoEngine()
    {
        var head = CreateRepository();
        Publish("docker", head, new Dictionary<string, string> { ["DOCKER_HOST"] = $"tcp://{TestEngines.RemoteAddress}:2375" });

        var options = Settings.Read(_ => null, TestOutput);
        await using var image = ImageUnderTest.For(options);
        await using var app = await image.StartAsync();

        Assert.Equal($"tcp://{TestEngines.RemoteAddress}:2375", options.Connection?["DOCKER_HOST"]);
        Assert.Equal(TestEngines.RemoteAddress, app.PublishedEndpoint.Address.ToString());
        Assert.Contains($"in the engine at DOCKER_HOST=tcp://{TestEngines.RemoteAddress}:2375", options.Origin, StringComparison.Ordinal);
        // An engine the environment names wins over the recorded one.
        Assert.Null(Settings.Read(name => name == "DOCKER_HOST" ? "unix:///var/run/docker.sock" : null, TestOutput).Connection);
    }

    [Fact]
    public void LastPublish_SetVariablesStillWin()
    {
        Publish("docker", CreateRepository());

        var options = Settings.Read(name => name == DrydockVariables.Memory ? "512m" : null, TestOutput);

        Assert.Equal("512m", options.Profile.Memory);
        Assert.Equal(images.App, options.Image);
    }

    [Fact]
    public void NoPublish_Dry5104WithTheExactPublishCommand()
    {
        CreateRepository();

        var error = Assert.Throws<InvalidOperationException>(() => Settings.Read(_ => null, TestOutput));

        Assert.StartsWith("DRY5104: ", error.Message, StringComparison.Ordinal);
        Assert.Contains($"run 'dotnet publish {App} -c Release'", error.Message, StringComparison.Ordinal);
    }

    /// <summary>An IDE builds the tests in Debug; the publish it is told to run is still a Release one (a Debug image is DRY4002).</summary>
    [Fact]
    public void NoPublish_TestsBuiltInDebug_TheCommandPublishesRelease()
    {
        CreateRepository();
        var debugOutput = TestOutput.Replace(Path.Combine("bin", "Release"), Path.Combine("bin", "Debug"), StringComparison.Ordinal);
        Directory.CreateDirectory(debugOutput);

        var error = Assert.Throws<InvalidOperationException>(() => Settings.Read(_ => null, debugOutput));

        Assert.Contains($"run 'dotnet publish {App} -c Release'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("-c Debug", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoPublish_AppListsItInDirectoryBuildTargets_CommandNamesTheApp()
    {
        CreateRepository();
        File.WriteAllText(App, "<Project Sdk=\"Microsoft.NET.Sdk.Web\" />");
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(App)!, "Directory.Build.targets"),
            "<Project><ItemGroup><ContainerTestProject Include=\"../../tests/Shop.ImageTests/Shop.ImageTests.csproj\" /></ItemGroup></Project>");

        var error = Assert.Throws<InvalidOperationException>(() => Settings.Read(_ => null, TestOutput));

        Assert.Contains($"run 'dotnet publish {App} -c Release'", error.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_repository))
        {
            Directory.Delete(_repository, recursive: true);
        }
    }

    /// <summary>An app that lists its image tests, the test project with a build output folder; returns HEAD.</summary>
    private string CreateRepository()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(App)!);
        Directory.CreateDirectory(TestOutput);
        File.WriteAllText(App, """
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <ItemGroup>
                <ContainerTestProject Include="../../tests/Shop.ImageTests/Shop.ImageTests.csproj" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(_repository, "tests", "Shop.ImageTests", "Shop.ImageTests.csproj"), "<Project Sdk=\"Microsoft.NET.Sdk\" />");
        File.WriteAllText(Path.Combine(_repository, ".gitignore"), "bin/\nobj/\n");
        Git("init", "-q");
        Git("config", "user.email", "test@example.invalid");
        Git("config", "user.name", "Test");
        return Commit("app and its image tests");
    }

    private string Commit(string message)
    {
        File.AppendAllText(Path.Combine(_repository, "README.md"), message + "\n");
        Git("add", "-A");
        Git("commit", "-q", "-m", message);
        return Git("rev-parse", "HEAD").Trim();
    }

    /// <summary>What the publish's TestImage step leaves in the test project.</summary>
    private void Publish(string engine, string revision, Dictionary<string, string>? connection = null)
    {
        var file = Path.Combine(_repository, "tests", "Shop.ImageTests", "obj", PublishedImage.FileName);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var profile = new Dictionary<string, string> { [DrydockVariables.Memory] = "300m", [DrydockVariables.Port] = "8080" };
        File.WriteAllText(file, new PublishedImage(images.App, "sha256:0123", engine, revision, App, "Release",
            Path.Combine(_repository, "src", "Shop", "bin", "Release", "net10.0", "drydock.json"), profile, connection).ToJson());
    }

    private string Git(params string[] arguments)
    {
        var result = Shell.Run("git", ["-C", _repository, .. arguments], TimeSpan.FromSeconds(30));
        Assert.True(result.Succeeded, result.StandardError);
        return result.StandardOutput;
    }
}
