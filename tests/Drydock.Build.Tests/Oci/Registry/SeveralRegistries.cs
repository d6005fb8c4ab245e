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
        var (task, engine, tested) = NewTask("1.0.0");

        var ok = task.Execute();

        Assert.True(ok, string.Join('\n', engine.Lines));
        Assert.Equal(tested, task.PushedDigest);
        var report = Report();
        Assert.Equal(_first.Host, (string?)report["Registry"]);
        var other = Assert.Single(report["OtherRegistries"]!.AsArray())!;
        Assert.Equal((_second.Host, _repository + "-mirror", tested, true), ((string?)other["Registry"], (string?)other["Repository"], (string?)other["Digest"], (bool?)other["Verified"]));
        Assert.True(_first.CountOf("PUT", "/manifests/1.0.0") == 1 && _second.CountOf("PUT", "/manifests/1.0.0") == 1);
        Assert.Equal(2, engine.Messages.Count(m => m.Message!.StartsWith("Drydock: pushed ", StringComparison.Ordinal)));
    }

    /// <summary>GHCR's <c>permission_denied: write_package</c> on one of two targets: no tag anywhere, and the report says per target what happened.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void OneTargetDeniesTheUpload_NoTagAnywhere_AndEachTargetIsReported(bool deniedFirst)
    {
        var (denied, healthy) = deniedFirst ? (_first, _second) : (_second, _first);
        denied.Respond("POST", "/blobs/uploads/", 403, times: 100);
        var (task, engine, tested) = NewTask("1.0.0;main");

        Assert.False(task.Execute());

        var error = Assert.Single(engine.Errors);
        Assert.Equal(Drydock.Build.Diagnostics.KnownCodes.RegistryForbidden, error.Code);
        Assert.Contains("No tag was set on any registry", error.Message, StringComparison.Ordinal);
        // The proxy logs an exchange after its answer went out: the refusal may land just after the task returned.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (denied.CountOf("POST", "/blobs/uploads/") == 0 && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(20);
        }

        Assert.Equal(1, denied.CountOf("POST", "/blobs/uploads/"));
        // The healthy target got the image by digest (tried even when listed after the denied one), and no tag.
        Assert.Equal(1, healthy.CountOf("PUT", $"/manifests/{tested}"));
        Assert.Equal(0, _first.CountOf("PUT", "/manifests/1.0.0") + _second.CountOf("PUT", "/manifests/1.0.0"));
        var report = Report();
        var (healthyReport, deniedReport) = deniedFirst ? (report["OtherRegistries"]![0]!, report) : (report, report["OtherRegistries"]![0]!);
        Assert.Equal((true, 0, (string?)null), ((bool)healthyReport["Verified"]!, healthyReport["Tags"]!.AsArray().Count, (string?)healthyReport["Error"]));
        Assert.Equal((false, 0), ((bool)deniedReport["Verified"]!, deniedReport["Tags"]!.AsArray().Count));
        Assert.StartsWith("DRY6002", (string?)deniedReport["Error"], StringComparison.Ordinal);
        Diagnostics.TaskOutput.AssertCodesPrintedOnce(engine);
    }

    /// <summary>A tag refused on the second target after the first was tagged: DRY6007 says per registry what was set, and so does the report.</summary>
    [Fact]
    public void ATagRefusedOnTheSecondTarget_TheErrorAndTheReportSayWhatWasSetWhere()
    {
        _second.Respond("PUT", "/manifests/1.0.0$", 403, times: 1);
        var (task, engine, _) = NewTask("1.0.0");

        Assert.False(task.Execute());

        var error = Assert.Single(engine.Errors);
        Assert.Equal(Drydock.Build.Diagnostics.KnownCodes.TagsPartlyPushed, error.Code);
        Assert.Contains($"{_first.Host}/{_repository}: set 1.0.0, not set none.", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{_second.Host}/{_repository}-mirror: set none, not set 1.0.0.", error.Message, StringComparison.Ordinal);
        var report = Report();
        Assert.Equal("1.0.0", (string?)report["Tags"]![0]);
        Assert.Null((string?)report["Error"]);
        var second = report["OtherRegistries"]![0]!;
        Assert.Empty(second["Tags"]!.AsArray());
        Assert.StartsWith("DRY6007", (string?)second["Error"], StringComparison.Ordinal);
    }

    private (PushImage Task, RecordingBuildEngine Engine, string Tested) NewTask(string tags)
    {
        var archivePath = new SdkArchiveFixture { AppFiles = new() { ["app/app.dll"] = Guid.NewGuid().ToString() } }.Write(_temp.File("image.tar"));
        var engine = new RecordingBuildEngine();
        var task = new PushImage
        {
            BuildEngine = engine,
            Archive = archivePath,
            Registry = _first.Host,
            Repository = _repository,
            AdditionalRegistries = [new TaskItem(_second.Host, new Dictionary<string, string> { ["Repository"] = _repository + "-mirror" })],
            Tags = tags,
            ResultPath = _temp.File("push.json"),
        };
        return (task, engine, OciArchive.Open(archivePath).ManifestDescriptor.Digest.ToString());
    }

    private JsonNode Report() => JsonNode.Parse(File.ReadAllText(_temp.File("push.json")))!;

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
