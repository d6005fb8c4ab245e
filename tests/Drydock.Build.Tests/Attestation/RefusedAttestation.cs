using System.Text.Json.Nodes;
using Drydock.Build.Attestation;
using Drydock.Build.Diagnostics;
using Drydock.Build.Oci;
using Drydock.Build.Tasks;
using Drydock.Build.Tests.Oci;
using Drydock.Build.Tests.Support;
using Drydock.Tests.Registry;

namespace Drydock.Build.Tests.Attestation;

/// <summary>
/// A registry that refuses an attestation after taking the image (a proxy answers 400 to the referrers tag): the image
/// and its tags stay, the push result says which attestation failed, and the PushImage task fails with DRY6020 — or
/// warns with it under DrydockRequireAttestations=false.
/// </summary>
public sealed class RefusedAttestation : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _repository = "drydock-tests/refused-" + Guid.NewGuid().ToString("n")[..12];
    private RegistryProxy _proxy = null!;

    public Task InitializeAsync()
    {
        _proxy = RegistryProxy.Start(new Uri($"http://{RegistryServer.SharedHost}/"));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task TheImageStays_TheResultNamesTheAttestation_Dry6020(bool required)
    {
        var archive = new SdkArchiveFixture { AppFiles = new() { ["app/app.dll"] = Guid.NewGuid().ToString() } }.Write(_temp.File("image.tar"));
        var subject = OciArchive.Open(archive).ManifestDescriptor.Digest;
        var records = await new Attestor(null, new ListBuildLog()).WriteAsync(
            _temp.File("attestations"), [new("shop/api", subject, TestResultPredicate.Type, new JsonObject { ["result"] = "PASSED" })], CancellationToken.None);
        AttestationRecord.WriteAll(_temp.File("attestations.json"), records);
        _proxy.Respond("PUT", "/manifests/sha256-", 400, times: 10);
        var engine = new RecordingBuildEngine();
        var task = new PushImage
        {
            BuildEngine = engine,
            Archive = archive,
            Registry = _proxy.Host,
            Repository = _repository,
            Tags = "1.0.0",
            Attestations = _temp.File("attestations.json"),
            RequireAttestations = required,
            ResultPath = _temp.File("push.json"),
        };

        var ok = task.Execute();

        Assert.Equal(!required, ok);
        var diagnostics = required ? engine.Errors.Select(e => (e.Code, e.Message)) : engine.Warnings.Select(w => (w.Code, w.Message));
        var (code, message) = Assert.Single(diagnostics, d => d.Code == KnownCodes.AttestationNotAttached);
        Assert.Contains(Path.GetFileName(records[0].Statement), message, StringComparison.Ordinal);
        var result = JsonNode.Parse(File.ReadAllText(_temp.File("push.json")))!;
        Assert.True((bool)result["Verified"]!);
        Assert.Equal(["1.0.0"], result["Tags"]!.AsArray().Select(t => (string)t!));
        Assert.StartsWith("DRY6", (string?)result["Referrers"]![0]!["Error"], StringComparison.Ordinal);
        Diagnostics.TaskOutput.AssertCodesPrintedOnce(engine);
    }
}
