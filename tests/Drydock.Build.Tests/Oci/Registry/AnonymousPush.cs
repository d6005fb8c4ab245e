using System.Security.Cryptography;
using Drydock.Build.Diagnostics;
using Drydock.Build.Oci;
using Drydock.Build.Oci.Registry;
using Drydock.Build.Tests.Support;
using Drydock.Processes;
using NuGet.Versioning;

namespace Drydock.Build.Tests.Oci.Registry;

/// <summary>Pushes to the loopback registry eng/setup.sh runs (plain HTTP, no auth).</summary>
public sealed class AnonymousPush : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _registry = Environment.GetEnvironmentVariable("DRYDOCK_TEST_REGISTRY") ?? "localhost:5000";
    private readonly string _repository = "drydock-tests/push-" + Guid.NewGuid().ToString("n")[..12];

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task PushesTheArchiveBytesAndTheRegistryServesTheSameDigest()
    {
        var archive = OciArchive.Open(new SdkArchiveFixture().Write(_temp.File("image.tar")));
        var log = new ListBuildLog();

        var result = await Push(archive, log, ["1.0.0", "sha-abc1234"]);

        Assert.Equal(archive.ManifestDescriptor.Digest.ToString(), result.Digest);
        Assert.True(result.Verified);
        Assert.Equal(["1.0.0", "sha-abc1234"], result.Tags);
        Assert.Equal(archive.Layers.Count + 1, result.BlobsUploaded);
        Assert.Equal(archive.Layers.Sum(l => l.Size) + archive.ConfigDescriptor.Size, result.BytesUploaded);
        foreach (var tag in result.Tags)
        {
            Assert.Equal(result.Digest, SkopeoDigest($"{_registry}/{_repository}:{tag}"));
        }
    }

    [Fact]
    public async Task AnUnchangedRepushUploadsNoBlob()
    {
        var archive = OciArchive.Open(new SdkArchiveFixture().Write(_temp.File("image.tar")));
        await Push(archive, new ListBuildLog(), ["1.0.0"]);

        var again = await Push(archive, new ListBuildLog(), ["1.0.0"]);

        Assert.Equal(0, again.BlobsUploaded);
        Assert.Equal(0, again.BytesUploaded);
        Assert.Equal(archive.Layers.Count + 1, again.BlobsPresent);
    }

    [Fact]
    public async Task LatestMovesOnlyForTheHighestStableVersion()
    {
        var archive = OciArchive.Open(new SdkArchiveFixture().Write(_temp.File("image.tar")));
        var older = OciArchive.Open(new SdkArchiveFixture { AppFiles = new() { ["app/app.dll"] = "older" } }.Write(_temp.File("older.tar")));

        var first = await Push(archive, new ListBuildLog(), ["1.2.0"], NuGetVersion.Parse("1.2.0"));
        var second = await Push(older, new ListBuildLog(), ["1.1.5"], NuGetVersion.Parse("1.1.5"));
        var prerelease = await Push(older, new ListBuildLog(), ["1.3.0-rc.1"], NuGetVersion.Parse("1.3.0-rc.1"));

        Assert.Equal(["1.2.0", "latest"], first.Tags);
        Assert.Equal(["1.1.5"], second.Tags);
        Assert.Equal(["1.3.0-rc.1"], prerelease.Tags);
        Assert.Equal(first.Digest, SkopeoDigest($"{_registry}/{_repository}:latest"));
        Assert.NotEqual(first.Digest, second.Digest);
    }

    [Fact]
    public async Task ADirtyBuildStopsBeforeAnyRequestUnlessOptedIn()
    {
        var dirty = new SdkArchiveFixture { Labels = new Dictionary<string, string> { ["io.drydock.git.dirty"] = "true" } };
        var archive = OciArchive.Open(dirty.Write(_temp.File("dirty.tar")));
        var pusher = new ImagePusher(new RegistryOptions(), credential: null, new ListBuildLog());

        // Port 9 on loopback has no registry: the refusal must come before any connection.
        var refused = await Assert.ThrowsAsync<DrydockException>(() => pusher.PushAsync(
            archive, new PushRequest { Registry = "127.0.0.1:9", Repository = _repository, Tags = ["sha-abc1234-dirty"] }, CancellationToken.None));
        var pushed = await pusher.PushAsync(
            archive, new PushRequest { Registry = _registry, Repository = _repository, Tags = ["sha-abc1234-dirty"], AllowDirty = true }, CancellationToken.None);

        Assert.Equal(KnownCodes.DirtyPushRefused, refused.Code);
        Assert.Contains("DrydockPushDirty=true", refused.Message, StringComparison.Ordinal);
        Assert.Equal(["sha-abc1234-dirty"], pushed.Tags);
        Assert.Equal(pushed.Digest, SkopeoDigest($"{_registry}/{_repository}:sha-abc1234-dirty"));
    }

    private async Task<PushResult> Push(OciArchive archive, ListBuildLog log, IReadOnlyList<string> tags, NuGetVersion? version = null)
    {
        var pusher = new ImagePusher(new RegistryOptions(), credential: null, log);
        return await pusher.PushAsync(archive, new PushRequest { Registry = _registry, Repository = _repository, Tags = tags, Version = version }, CancellationToken.None);
    }

    /// <summary>What the registry serves, hashed independently of Drydock.</summary>
    private static string SkopeoDigest(string reference)
    {
        var raw = ProcessRunner.Run("skopeo", ["inspect", "--raw", "--tls-verify=false", $"docker://{reference}"], TimeSpan.FromSeconds(60), CancellationToken.None);
        Assert.True(raw.Succeeded, raw.StandardError);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(raw.StandardOutput)));
    }
}
