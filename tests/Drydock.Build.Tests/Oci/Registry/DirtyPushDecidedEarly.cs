using Drydock.Build.Diagnostics;
using Drydock.Build.Oci.Registry;

namespace Drydock.Build.Tests.Oci.Registry;

/// <summary>DRY6011 from the metadata's labels alone, so the publish stops before it builds an image it would not push.</summary>
public sealed class DirtyPushDecidedEarly
{
    private static readonly Dictionary<string, string> Dirty = new() { ["io.drydock.git.dirty"] = "true" };

    [Fact]
    public void CheckDirty_DirtyTreeAndAPush_IsDry6011NamingTheSwitch()
    {
        var refused = Assert.Throws<DrydockException>(() => ImagePusher.CheckDirty(Dirty, push: true, allowDirty: false, "registry.example", "shop/api", ["sha-abc1234-dirty"]));

        Assert.Equal(KnownCodes.DirtyPushRefused, refused.Code);
        Assert.Contains("DrydockPushDirty=true", refused.Message, StringComparison.Ordinal);
        Assert.Contains("registry.example/shop/api", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("false", true, false, "registry.example")] // a clean tree
    [InlineData("true", false, false, "registry.example")] // DrydockPush=false
    [InlineData("true", true, false, "")] // no ContainerRegistry: nothing is pushed
    [InlineData("true", true, true, "registry.example")] // DrydockPushDirty=true
    public void CheckDirty_NothingRefused_Passes(string dirty, bool push, bool allowDirty, string registry)
    {
        Assert.Null(Record.Exception(() => ImagePusher.CheckDirty(new Dictionary<string, string> { ["io.drydock.git.dirty"] = dirty }, push, allowDirty, registry, "shop/api", ["main"])));
    }
}
