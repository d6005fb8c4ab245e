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
}
