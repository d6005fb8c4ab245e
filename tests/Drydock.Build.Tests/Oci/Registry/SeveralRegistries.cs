using System.Text.Json.Nodes;
using Drydock.Build.Oci;
using Drydock.Build.Tasks;
using Drydock.Build.Tests.Support;
using Drydock.Tests.Registry;
using TaskItem = Microsoft.Build.Utilities.TaskItem;

namespace Drydock.Build.Tests.Oci.Registry;

/// <summary>
/// One publish, several registries: <c>ContainerRegistry</c> plus <c>DrydockPushRegistry</c> items, each pushed and
/// verified by digest, through the PushImage task as MSBuild runs it. Two proxies in front of the loopback registry
/// are two registries to the client.
/// </summary>
public sealed class SeveralRegistries : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _repository = "drydock-tests/several-" + Guid.NewGuid().ToString("n")[..12];
    private RegistryProxy _first = null!;
    private RegistryProxy _second = null!;

    public Task InitializeAsync()
    {
        _first = RegistryProxy.Start(new Uri($"http://{RegistryServer.SharedHost}/"));
        _second = RegistryProxy.Start(new Uri($"http://{RegistryServer.SharedHost}/"));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void EveryRegistryGetsTheImageAndTheReportListsEach()
    {
        var archivePath = new SdkArchiveFixture { AppFiles = new() { ["app/app.dll"] = Guid.NewGuid().ToString() } }.Write(_temp.File("image.tar"));
        var tested = OciArchive.Open(archivePath).ManifestDescriptor.Digest.ToString();
        var engine = new RecordingBuildEngine();
        var task = new PushImage
        {
            BuildEngine = engine,
            Archive = archivePath,
            Registry = _first.Host,
            Repository = _repository,
            AdditionalRegistries = [new TaskItem(_second.Host, new Dictionary<string, string> { ["Repository"] = _repository + "-mirror" })],
            Tags = "1.0.0",
            ResultPath = _temp.File("push.json"),
        };

        var ok = task.Execute();

        Assert.True(ok, string.Join('\n', engine.Lines));
        Assert.Equal(tested, task.PushedDigest);
        var report = JsonNode.Parse(File.ReadAllText(_temp.File("push.json")))!;
        Assert.Equal(_first.Host, (string?)report["Registry"]);
        var other = Assert.Single(report["OtherRegistries"]!.AsArray())!;
        Assert.Equal((_second.Host, _repository + "-mirror", tested, true), ((string?)other["Registry"], (string?)other["Repository"], (string?)other["Digest"], (bool?)other["Verified"]));
        Assert.True(_first.CountOf("PUT", "/manifests/1.0.0") == 1 && _second.CountOf("PUT", "/manifests/1.0.0") == 1);
        Assert.Equal(2, engine.Messages.Count(m => m.Message!.StartsWith("Drydock: pushed ", StringComparison.Ordinal)));
    }

    [Fact]
    public void AnInvalidExtraRegistry_StopsBeforeAnyRequest()
    {
        var engine = new RecordingBuildEngine();
        var task = new PushImage
        {
            BuildEngine = engine,
            Archive = _temp.File("missing.tar"),
            Registry = _first.Host,
            Repository = _repository,
            AdditionalRegistries = [new TaskItem("https://quay.io/team")],
            ResultPath = _temp.File("push.json"),
        };

        Assert.False(task.Execute());
        Assert.Equal(Drydock.Build.Diagnostics.KnownCodes.InvalidRegistry, Assert.Single(engine.Errors).Code);
        Assert.Empty(_first.Requests);
        Diagnostics.TaskOutput.AssertCodesPrintedOnce(engine);
    }
}
