using Drydock.Build.Diagnostics;
using Drydock.Build.Tagging;

namespace Drydock.Build.Tests.Tagging;

public class RepositoryNameTests
{
    [Theory]
    [InlineData("shop/api")]
    [InlineData("shop")]
    [InlineData("a/b/c")]
    [InlineData("my-app")]
    [InlineData("my--app")]
    [InlineData("my__app")]
    [InlineData("my.app_v2")]
    public void Validate_ValidName_NoThrow(string name)
    {
        RepositoryName.Validate(name, "registry.example.com");
    }

    [Fact]
    public void Validate_Uppercase_SuggestsLowercase()
    {
        var e = Assert.Throws<DrydockException>(() => RepositoryName.Validate("Shop/Api"));

        Assert.Equal(KnownCodes.InvalidRepository, e.Code);
        Assert.StartsWith("ContainerRepository 'Shop/Api'", e.Message, StringComparison.Ordinal);
        Assert.Contains("Use 'shop/api'.", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("shop/")]
    [InlineData("/shop")]
    [InlineData("shop//api")]
    [InlineData("shop api")]
    [InlineData("shop___api")]
    [InlineData("-shop")]
    [InlineData("shop:1.0")]
    [InlineData("shop\n")]
    public void Validate_InvalidName_DRY2001WithoutLowercaseHint(string name)
    {
        var e = Assert.Throws<DrydockException>(() => RepositoryName.Validate(name));

        Assert.Equal(KnownCodes.InvalidRepository, e.Code);
        Assert.DoesNotContain("Use '", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Validate_TooLongWithRegistry_DRY2001NamesLength()
    {
        var registry = "registry.example.com";
        var fits = new string('a', 255 - registry.Length - 1);

        RepositoryName.Validate(fits, registry);
        var e = Assert.Throws<DrydockException>(() => RepositoryName.Validate(fits + "a", registry));

        Assert.Equal(KnownCodes.InvalidRepository, e.Code);
        Assert.Contains("256 characters", e.Message, StringComparison.Ordinal);
    }
}
