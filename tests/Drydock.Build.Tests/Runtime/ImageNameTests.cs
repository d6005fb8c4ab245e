using Drydock.Build.Runtime;

namespace Drydock.Build.Tests.Runtime;

public sealed class ImageNameTests
{
    [Fact]
    public void SplitTags_MSBuildList_DistinctNonEmptyInOrder() =>
        Assert.Equal(["sha-abc1234", "main", "1.2"], ImageName.SplitTags("sha-abc1234; main;;1.2;main"));

    [Fact]
    public void SplitTags_Null_Empty() => Assert.Empty(ImageName.SplitTags(null));

    [Fact]
    public void LocalNames_WithoutRegistry_RepositoryAndTag() =>
        Assert.Equal(["shop/api:1", "shop/api:main"], ImageName.LocalNames(null, "shop/api", ["1", "main"]));

    [Fact]
    public void LocalNames_WithRegistry_RegistryPrefixed() =>
        Assert.Equal(["registry.example.com/shop/api:1"], ImageName.LocalNames("registry.example.com/", "shop/api", ["1"]));

    [Theory]
    [InlineData("")]
    [InlineData(";")]
    [InlineData(" ; ;")]
    public void LocalNames_NoTag_DRY2005(string tags)
    {
        var e = Assert.Throws<Drydock.Build.Diagnostics.DrydockException>(() => ImageName.LocalNames(null, "shop/api", ImageName.SplitTags(tags)));

        Assert.Equal(Drydock.Build.Diagnostics.KnownCodes.NoImageTags, e.Code);
        Assert.StartsWith("ContainerImageTags holds no tag", e.Message, StringComparison.Ordinal);
    }
}
