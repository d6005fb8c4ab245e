using Drydock.Testing.Tests.Support;

namespace Drydock.Testing.Tests;

/// <summary>When the runtime itself cannot start the container, the error quotes the runtime.</summary>
[Collection(WithTestImages.Name)]
public sealed class RuntimeFailure(TestImages images)
{
    [Fact]
    public async Task StartAsync_ImageTheRuntimeCannotGet_Dry5105QuotingTheRuntime()
    {
        // A name in the loopback registry that does not exist: podman fails at once, no network needed.
        await using var image = ImageUnderTest.For(images.Options() with { Image = "localhost:5000/drydock-tests/no-such-image:1" });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => image.StartAsync());

        Assert.StartsWith("DRY5105: 'podman run' could not start image 'localhost:5000/drydock-tests/no-such-image:1'", error.Message, StringComparison.Ordinal);
    }
}
