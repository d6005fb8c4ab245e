using Drydock.Testing;

namespace Drydock.Testing.Tests;

/// <summary>xunit (v2 and v3) accepts a class fixture only with exactly one public constructor.</summary>
public sealed class FixtureShape
{
    [Fact]
    public void ImageUnderTest_HasOnePublicConstructor_WithoutParameters()
    {
        var constructors = typeof(ImageUnderTest).GetConstructors();

        Assert.Single(constructors);
        Assert.Empty(constructors[0].GetParameters());
    }
}
