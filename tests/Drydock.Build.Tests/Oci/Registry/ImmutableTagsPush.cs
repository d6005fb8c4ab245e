using Drydock.Build.Diagnostics;
using Drydock.Build.Oci;
using Drydock.Build.Oci.Registry;
using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Oci.Registry;

/// <summary>
/// A tag that names one build (a commit's sha tag, an exact version) never moves silently to other bytes of the
/// same commit — e.g. a publish with `-r linux-x64` after one without — against the loopback registry.
/// </summary>
public sealed class ImmutableTagsPush : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _registry = Environment.GetEnvironmentVariable("DRYDOCK_TEST_REGISTRY") ?? "localhost:5000";
    private readonly string _repository = "drydock-tests/immutable-" + Guid.NewGuid().ToString("n")[..12];

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("1.2.3")]
    [InlineData("1.3.0-rc.1")]
    public async Task OtherBytesUnderABuildsTag_DRY6012_AndNoTagMoves(string tag)
    {
        var (first, other) = TwoBuilds();
        var pushed = await Push(first, [tag, "main"]);

        var error = await Assert.ThrowsAsync<DrydockException>(() => Push(other, [tag, "main"]));

        Assert.Equal(KnownCodes.ImmutableTagMoved, error.Code);
        Assert.Contains(tag, error.Message, StringComparison.Ordinal);
        Assert.Contains("DrydockMoveImmutableTags", error.Message, StringComparison.Ordinal);
        // Checked before any tag: "main" still names the first build too.
        Assert.Equal(pushed.Digest, (await Head(tag))?.Digest.ToString());
        Assert.Equal(pushed.Digest, (await Head("main"))?.Digest.ToString());
    }

    [Fact]
    public async Task TheSameBytesAgain_Pass()
    {
        var (first, _) = TwoBuilds();
        await Push(first, ["sha-abc1234", "1.2.3"]);

        var again = await Push(first, ["sha-abc1234", "1.2.3"]);

        Assert.Equal(["sha-abc1234", "1.2.3"], again.Tags);
    }

    [Fact]
    public async Task FloatingBranchAndDirtyTags_MoveFreely()
    {
        var (first, other) = TwoBuilds();
        string[] tags = ["latest", "1", "1.2", "main", "pr-7", "sha-abc1234-dirty"];
        await Push(first, tags);

        var moved = await Push(other, tags);

        Assert.Equal(other.ManifestDescriptor.Digest.ToString(), (await Head("main"))?.Digest.ToString());
        Assert.Equal(tags, moved.Tags);
    }

    [Fact]
    public async Task WithOptIn_TheTagMoves()
    {
        var (first, other) = TwoBuilds();
        await Push(first, ["sha-abc1234"]);

        await Push(other, ["sha-abc1234"], allowMove: true);

        Assert.Equal(other.ManifestDescriptor.Digest.ToString(), (await Head("sha-abc1234"))?.Digest.ToString());
    }

    [Theory]
    [InlineData("sha-abc1234", false)]
    [InlineData("sha-0123456789abcdef0123456789abcdef01234567", false)]
    [InlineData("1.2.3", true)]
    [InlineData("1.3.0-rc.1", true)]
    [InlineData("sha-abc1234-dirty", false)]
    [InlineData("latest", false)]
    [InlineData("1", false)]
    [InlineData("1.2", false)]
    [InlineData("main", false)]
    [InlineData("pr-7", false)]
    [InlineData("branch-1.2.3", false)]
    public void Names_OnlyTagsOfOneBuild(string tag, bool immutable) => Assert.Equal(immutable, ImmutableTags.Names(tag));

    private (OciArchive First, OciArchive Other) TwoBuilds() =>
        (OciArchive.Open(new SdkArchiveFixture().Write(_temp.File("first.tar"))),
         OciArchive.Open(new SdkArchiveFixture { AppFiles = new() { ["app/app.dll"] = "built for linux-x64" } }.Write(_temp.File("other.tar"))));

    private async Task<PushResult> Push(OciArchive archive, IReadOnlyList<string> tags, bool allowMove = false)
    {
        var pusher = new ImagePusher(new RegistryOptions(), credential: null, new ListBuildLog());
        return await pusher.PushAsync(archive, new PushRequest { Registry = _registry, Repository = _repository, Tags = tags, AllowImmutableTagMove = allowMove }, CancellationToken.None);
    }

    private async Task<Descriptor?> Head(string tag)
    {
        using var client = new RegistryClient(_registry, null, [$"repository:{_repository}:pull"], new RegistryOptions(), new ListBuildLog());
        await client.ConnectAsync(CancellationToken.None);
        return await client.HeadManifestAsync(_repository, tag, CancellationToken.None);
    }
}
