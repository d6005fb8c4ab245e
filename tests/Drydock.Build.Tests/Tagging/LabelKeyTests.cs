using Drydock.Build.Diagnostics;
using Drydock.Build.Tagging;

namespace Drydock.Build.Tests.Tagging;

public class LabelKeyTests
{
    [Theory]
    [InlineData("org.opencontainers.image.title")]
    [InlineData("com.example.team")]
    [InlineData("maintainer")]
    public void Validate_ValidKey_NoThrow(string key)
    {
        LabelKey.Validate(key);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("com.example team")]
    [InlineData("com.example.team=x")]
    [InlineData("com.example.\tteam")]
    [InlineData("com.example.\u0001team")]
    [InlineData(" com.example")]
    public void Validate_InvalidKey_DRY2003OnOneLine(string? key)
    {
        var e = Assert.Throws<DrydockException>(() => LabelKey.Validate(key));

        Assert.Equal(KnownCodes.InvalidLabelKey, e.Code);
        Assert.StartsWith("ContainerLabel key ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(e.Message, char.IsControl);
    }
}
