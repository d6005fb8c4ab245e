using Drydock.Build.Ci;
using Drydock.Build.Diagnostics;
using Drydock.Build.Metadata;
using Drydock.Build.Tests.Support;
using static Drydock.Build.Tests.Metadata.Facts;

namespace Drydock.Build.Tests.Metadata;

public class LabelTests
{
    private readonly ListBuildLog log = new();

    [Fact]
    public void Resolve_AllInputs_EveryLabelInFixedOrder()
    {
        var inputs = new MetadataInputs
        {
            DefaultVersion = "1.0.0",
            Title = "Shop API",
            Description = "Orders and carts",
            Url = "https://shop.example.com",
            Licenses = "MIT",
            Vendor = "Example Corp",
            Authors = "shop-team@example.com",
            BaseImageName = "mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled",
            BaseImageDigest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            Configuration = "Release",
            SdkVersion = "10.0.401",
        };
        var repository = Repository() with { IsDirty = true };

        var metadata = MetadataResolver.Resolve(inputs, repository, CiRun(), log);

        Assert.Equal(
            [
                new(LabelKeys.Revision, RepoSha),
                new(LabelKeys.Source, "https://github.com/octo-org/shop-ci"),
                new(LabelKeys.Created, "2024-05-17T07:30:15Z"),
                new(LabelKeys.Version, "1.0.0"),
                new(LabelKeys.Title, "Shop API"),
                new(LabelKeys.Description, "Orders and carts"),
                new(LabelKeys.Url, "https://shop.example.com"),
                new(LabelKeys.Licenses, "MIT"),
                new(LabelKeys.Vendor, "Example Corp"),
                new(LabelKeys.Authors, "shop-team@example.com"),
                new(LabelKeys.BaseName, "mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled"),
                new(LabelKeys.BaseDigest, "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
                new(LabelKeys.GitBranch, "feature/ci"),
                new(LabelKeys.GitDirty, "true"),
                new(LabelKeys.BuildConfiguration, "Release"),
                new(LabelKeys.BuildSdk, "10.0.401"),
            ],
            metadata.Labels.ToArray());
    }

    [Fact]
    public void Resolve_BlankInputs_NoEmptyLabels()
    {
        var inputs = new MetadataInputs
        {
            Title = "",
            Description = "   ",
            Url = "\t",
            Licenses = "",
            Vendor = null,
            Authors = " ",
            BaseImageName = "",
            Configuration = "",
            SdkVersion = " ",
            SourceUrl = "",
            Revision = " ",
            Branch = "",
            Version = " ",
            DefaultVersion = "",
        };

        var metadata = MetadataResolver.Resolve(inputs, Repository(branch: null, remote: "/srv/git/shop"), ci: null, log);

        Assert.Equal([LabelKeys.Revision, LabelKeys.Created, LabelKeys.GitDirty], metadata.Labels.Keys);
        Assert.Equal([LabelKeys.Revision, LabelKeys.Created, LabelKeys.GitDirty, LabelKeys.RefName], metadata.Annotations.Keys);
        Assert.All(metadata.Annotations.Values, value => Assert.False(string.IsNullOrWhiteSpace(value)));
        Assert.Null(metadata.Version);
    }

    [Fact]
    public void Resolve_RefName_AnnotationOfPrimaryTagOnly()
    {
        var metadata = MetadataResolver.Resolve(new MetadataInputs(), Repository(tags: ["v1.2.3"]), ci: null, log);

        Assert.Equal("1.2.3", metadata.PrimaryTag);
        Assert.Equal("1.2.3", metadata.Annotations[LabelKeys.RefName]);
        Assert.False(metadata.Labels.ContainsKey(LabelKeys.RefName));
    }

    [Fact]
    public void Resolve_CredentialedUrls_NeverAppearInLabelsTagsOrLog()
    {
        const string Secret = "ghp_R3allyS3cretT0ken";
        var inputs = new MetadataInputs { SourceUrl = $"https://octocat:{Secret}@github.com/octo-org/shop.git" };
        var repository = Repository(remote: $"https://x-access-token:{Secret}@github.com/octo-org/shop.git");
        var ci = CiRun() with { RepositoryUrl = null };

        var metadata = MetadataResolver.Resolve(inputs, repository, ci, log);

        Assert.Equal("https://github.com/octo-org/shop", metadata.Labels[LabelKeys.Source]);
        var everything = string.Join("\n", metadata.Annotations.Values.Concat(metadata.Tags).Concat(log.Details));
        Assert.DoesNotContain(Secret, everything, StringComparison.Ordinal);
        Assert.DoesNotContain("octocat", everything, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_TwoCiRunsOfOneCommit_AreTheSame()
    {
        var first = MetadataResolver.Resolve(new MetadataInputs { DefaultVersion = "1.0.0" }, Repository(), CiRun(runId: "100"), log);
        var second = MetadataResolver.Resolve(new MetadataInputs { DefaultVersion = "1.0.0" }, Repository(), CiRun(runId: "101"), log);

        // A re-run builds the same bytes: the run's URL is the provenance's, never the image's.
        Assert.Equal(first.Annotations.ToArray(), second.Annotations.ToArray());
        Assert.DoesNotContain(first.Annotations.Values, value => value.Contains("/runs/", StringComparison.Ordinal));
        Assert.Equal(first.Tags, second.Tags);
    }

    [Fact]
    public void Resolve_ShortSha256Revision_FirstSevenOfSixtyFour()
    {
        var sha256 = new string('f', 56) + "01234567";
        var metadata = MetadataResolver.Resolve(new MetadataInputs(), Repository() with { Sha = "0123456" + sha256[7..] }, ci: null, log);

        Assert.Equal(64, metadata.Labels[LabelKeys.Revision].Length);
        Assert.Equal("0123456", metadata.ShortRevision);
        Assert.Contains("sha-0123456", metadata.Tags);
    }

    [Theory]
    [InlineData("Shop/Api", KnownCodes.InvalidRepository)]
    [InlineData("shop/api", null)]
    public void Resolve_Repository_Validated(string repository, string? code)
    {
        var resolve = () => MetadataResolver.Resolve(new MetadataInputs { Repository = repository, Registry = "registry.example.com" }, Repository(), ci: null, log);

        if (code is null)
        {
            Assert.NotEmpty(resolve().Tags);
        }
        else
        {
            Assert.Equal(code, Assert.Throws<DrydockException>(resolve).Code);
        }
    }

    [Fact]
    public void Resolve_InvalidExplicitTag_DRY2002()
    {
        var e = Assert.Throws<DrydockException>(() => MetadataResolver.Resolve(new MetadataInputs { ExplicitTag = ".hidden" }, Repository(), ci: null, log));

        Assert.Equal(KnownCodes.InvalidTag, e.Code);
        Assert.Contains("ContainerImageTag contains '.hidden'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_NoRevisionNoVersion_DRY2005()
    {
        var e = Assert.Throws<DrydockException>(() => MetadataResolver.Resolve(new MetadataInputs { SourceDateEpoch = "1700000000" }, repository: null, ci: null, log));

        Assert.Equal(KnownCodes.NoImageTags, e.Code);
    }

    [Fact]
    public void Resolve_OneCommitInCiAndOnALaptop_TheSameLabels()
    {
        var ci = new CiFacts(CiProvider.Jenkins, "17", "https://ci.example.com/job/shop/17/", null, null, "main", null, null);

        var inCi = MetadataResolver.Resolve(new MetadataInputs(), Repository(), ci, log);
        var local = MetadataResolver.Resolve(new MetadataInputs(), Repository(), null, log);

        // Which CI built it is the provenance's (its builder id), not the image's: the same commit gives the same bytes.
        Assert.Equal(local.Labels.ToArray(), inCi.Labels.ToArray());
        Assert.DoesNotContain(inCi.Labels.Keys, key => key.StartsWith("io.drydock.ci.", StringComparison.Ordinal) && !key.StartsWith("io.drydock.ci.pr", StringComparison.Ordinal));
        Assert.Equal(RepoSha, inCi.Revision);
    }
}
