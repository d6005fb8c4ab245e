using Drydock.Testing.Tests.Support;

namespace Drydock.Testing.Tests;

/// <summary>When the runtime itself cannot start the container, the error quotes the runtime.</summary>
[Collection(WithTestImages.Name)]
public sealed class RuntimeFailure(TestImages images)
{
    [Theory]
    [MemberData(nameof(TestEngines.Both), MemberType = typeof(TestEngines))]
    public async Task StartAsync_ImageTheRuntimeCannotGet_Dry5105QuotingTheRuntime(string engine)
    {
        // A name in the loopback registry that does not exist: the engine fails at once, no network needed.
        await using var image = ImageUnderTest.For(images.Options(engine) with { Image = "localhost:5000/drydock-tests/no-such-image:1" });

        var error = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => image.StartAsync());

        Assert.StartsWith($"DRY5105: '{engine} run' failed", error.Message, StringComparison.Ordinal);
        Assert.Contains("no-such-image", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Trying to pull", error.Message, StringComparison.Ordinal);
    }
}
