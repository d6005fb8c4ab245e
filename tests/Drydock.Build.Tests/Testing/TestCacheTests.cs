using Drydock.Build.Testing;
using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Testing;

public sealed class TestCacheTests
{
    private static readonly Dictionary<string, string> Profile = new() { ["DRYDOCK_TEST_CPUS"] = "1", ["DRYDOCK_TEST_MEMORY"] = "256m" };

    [Fact]
    public void Key_ChangesWithDigestAssemblyAndProfile_NotWithOrder()
    {
        using var temp = new TempDirectory();
        var a = temp.Write("Tests.dll", "assembly one");
        var b = temp.Write("Drydock.Testing.dll", "library");
        var key = TestCache.Key("sha256:1", [a, b], Profile);

        Assert.Equal(key, TestCache.Key("sha256:1", [b, a], new Dictionary<string, string>(Profile.Reverse())));
        Assert.NotEqual(key, TestCache.Key("sha256:2", [a, b], Profile));
        Assert.NotEqual(key, TestCache.Key("sha256:1", [a, b], new Dictionary<string, string>(Profile) { ["DRYDOCK_TEST_MEMORY"] = "128m" }));
        File.WriteAllText(a, "assembly two");
        Assert.NotEqual(key, TestCache.Key("sha256:1", [a, b], Profile));
    }

    [Fact]
    public void Find_AfterRemember_SameResultMarkedCached()
    {
        using var temp = new TempDirectory();
        var cache = new TestCache(temp.File("cache"));
        var result = new TestRunResult { Project = "Shop.ImageTests", Passed = 3, Failed = 0, Skipped = 1, DurationSeconds = 4.5, Trx = "/x.trx" };

        Assert.Null(cache.Find("abc"));
        cache.Remember("abc", result);
        var found = cache.Find("abc");

        Assert.Equal(result with { Cached = true }, found! with { Failures = result.Failures });
        Assert.True(found.Cached);
    }
}
