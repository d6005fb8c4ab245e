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

    /// <summary>A re-run of the same commit after its base image moved: the commit's tag (and the branch's) move, with a warning saying why.</summary>
    [Fact]
    public async Task TheSameCommitOnAMovedBase_CommitAndBranchTagsMoveWithAWarningNamingTheCause()
    {
        var first = Recorded("first", "sha256:" + new string('a', 64), "10.0.100");
        var other = Recorded("other", "sha256:" + new string('b', 64), "10.0.401");
        await Push(first, ["sha-abc1234", "main", "latest"]);
        var log = new ListBuildLog();

        var moved = await Push(other, ["sha-abc1234", "main", "latest"], log: log);

        Assert.Equal(["sha-abc1234", "main", "latest"], moved.Tags);
        Assert.Equal(first.ManifestDescriptor.Digest.ToString(), moved.TagsMoved["sha-abc1234"]);
        var warning = Assert.Single(log.Warnings);
        Assert.Equal(KnownCodes.TagMovedToRebuild, warning.Code);
        Assert.Contains($"base image digest sha256:{new string('a', 64)} → sha256:{new string('b', 64)}", warning.Message, StringComparison.Ordinal);
        Assert.Contains("SDK 10.0.100 → 10.0.401", warning.Message, StringComparison.Ordinal);
        Assert.Contains("sha-abc1234 (was", warning.Message, StringComparison.Ordinal);
        Assert.Contains("main (was", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("latest (was", warning.Message, StringComparison.Ordinal);
        Assert.Equal(other.ManifestDescriptor.Digest.ToString(), (await Head("sha-abc1234"))?.Digest.ToString());
    }

    /// <summary>Under TreatWarningsAsErrors the commit's tags do not move before the build fails: DRY6014 stops the push before any tag.</summary>
    [Fact]
    public async Task TheSameCommitRebuilt_WhenDRY6014IsAnError_StopsBeforeAnyTag()
    {
        var first = await Push(Recorded("first", "sha256:" + new string('a', 64), "10.0.100"), ["sha-abc1234", "main"]);
        var log = new ListBuildLog();

        var error = await Assert.ThrowsAsync<DrydockException>(
            () => Push(Recorded("other", "sha256:" + new string('b', 64), "10.0.100"), ["sha-abc1234", "main", "pr-9"], log: log, movedTagIsError: true));

        Assert.Equal(KnownCodes.TagMovedToRebuild, error.Code);
        Assert.Contains("no tag was set", error.Message, StringComparison.Ordinal);
        Assert.Contains($"base image digest sha256:{new string('a', 64)} → sha256:{new string('b', 64)}", error.Message, StringComparison.Ordinal);
        Assert.Contains("WarningsNotAsErrors", error.Message, StringComparison.Ordinal);
        Assert.Contains("Pin ContainerBaseImage by digest", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("global.json", error.Message, StringComparison.Ordinal);
        Assert.Empty(log.Warnings);
        Assert.Equal(first.Digest, (await Head("sha-abc1234"))?.Digest.ToString());
        Assert.Equal(first.Digest, (await Head("main"))?.Digest.ToString());
        Assert.Null(await Head("pr-9"));
    }

    /// <summary>A change Drydock has no name for is still named, by its label: here a description given on the command line.</summary>
    [Fact]
    public async Task TheSameCommitWithAnotherLabel_TheWarningNamesTheLabel()
    {
        await Push(Recorded("first", "sha256:" + new string('a', 64), "10.0.100"), ["sha-abc1234"]);
        var log = new ListBuildLog();

        await Push(Recorded("first", "sha256:" + new string('a', 64), "10.0.100", description: "built again"), ["sha-abc1234"], log: log);

        var warning = Assert.Single(log.Warnings);
        Assert.Contains("label org.opencontainers.image.description (none) → \"built again\"", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("nothing Drydock records changed", warning.Message, StringComparison.Ordinal);
        // The advice fits the cause: a label, not the base or the SDK.
        Assert.Contains("To keep a commit's image stable: publish the commit with the same properties", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ContainerBaseImage", warning.Message, StringComparison.Ordinal);
    }

    /// <summary>An exact version on a moved base: DRY6012 says what changed, and no tag moves.</summary>
    [Fact]
    public async Task AnExactVersionOnAMovedBase_DRY6012NamesTheCause()
    {
        await Push(Recorded("first", "sha256:" + new string('a', 64), "10.0.100"), ["1.2.3", "main"]);

        var error = await Assert.ThrowsAsync<DrydockException>(() => Push(Recorded("other", "sha256:" + new string('c', 64), "10.0.100"), ["1.2.3", "main"]));

        Assert.Equal(KnownCodes.ImmutableTagMoved, error.Code);
        Assert.Contains($"base image digest sha256:{new string('a', 64)} → sha256:{new string('c', 64)}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SDK", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A branch tag moving to a new commit is what a branch tag is for: no warning.</summary>
    [Fact]
    public async Task ABranchTagMovingToANewCommit_IsNoWarning()
    {
        await Push(Recorded("first", "sha256:" + new string('a', 64), "10.0.100"), ["sha-abc1234", "main"]);
        var log = new ListBuildLog();

        var moved = await Push(Recorded("next", "sha256:" + new string('a', 64), "10.0.100", revision: "def5678def5678def5678def5678def5678def56"), ["sha-def5678", "main"], log: log);

        Assert.Empty(log.Warnings);
        Assert.Contains("main", moved.TagsMoved.Keys);
        Assert.Contains(log.Details, line => line.Contains("main moves from", StringComparison.Ordinal) && line.Contains("commit abc1234", StringComparison.Ordinal));
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

    /// <summary>A source label that changed because a git remote was added is pinned by RepositoryUrl, not by "the same properties".</summary>
    [Fact]
    public void Remedies_ASourceThatChanged_NamesRepositoryUrlAndTheRemote()
    {
        var before = new BuildRecord(new Dictionary<string, string> { [BuildRecord.RevisionKey] = "abc" });
        var now = new BuildRecord(new Dictionary<string, string> { [BuildRecord.RevisionKey] = "abc", ["org.opencontainers.image.source"] = "https://github.com/me/api" });

        var remedy = Assert.Single(BuildRecord.Remedies(before, now));

        Assert.Contains("RepositoryUrl", remedy, StringComparison.Ordinal);
        Assert.Contains("git remote 'origin'", remedy, StringComparison.Ordinal);
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

    private OciArchive Recorded(string name, string baseDigest, string sdk, string revision = "abc1234abc1234abc1234abc1234abc1234abc12", string? description = null)
    {
        var labels = new Dictionary<string, string>
        {
            ["org.opencontainers.image.revision"] = revision,
            ["org.opencontainers.image.base.digest"] = baseDigest,
            ["io.drydock.build.sdk"] = sdk,
        };
        if (description is not null)
        {
            labels["org.opencontainers.image.description"] = description;
        }

        return OciArchive.Open(new SdkArchiveFixture { AppFiles = new() { ["app/app.dll"] = name }, Labels = labels }
            .Write(_temp.File($"{name}-{Guid.NewGuid():n}.tar")));
    }

    private async Task<PushResult> Push(OciArchive archive, IReadOnlyList<string> tags, bool allowMove = false, ListBuildLog? log = null, bool movedTagIsError = false)
    {
        var pusher = new ImagePusher(new RegistryOptions(), credential: null, log ?? new ListBuildLog());
        var request = new PushRequest { Registry = _registry, Repository = _repository, Tags = tags, AllowImmutableTagMove = allowMove, MovedTagIsError = movedTagIsError };
        return await pusher.PushAsync(archive, request, CancellationToken.None);
    }

    private async Task<Descriptor?> Head(string tag)
    {
        using var client = new RegistryClient(_registry, null, [$"repository:{_repository}:pull"], new RegistryOptions(), new ListBuildLog());
        await client.ConnectAsync(CancellationToken.None);
        return await client.HeadManifestAsync(_repository, tag, CancellationToken.None);
    }
}
