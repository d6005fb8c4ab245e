using System.Security.Cryptography;
using System.Text;
using Drydock.Build.Oci;
using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Oci;

/// <summary>
/// The published files' hashes, read again only when a file's size or time changed. The decision these
/// tests pin down: a file whose content changed but whose size and time did not keeps its old hash (as the
/// SDK's own copy into the publish folder skips it), except when its time is so close to when it was hashed
/// that a second write in the same clock tick could hide (git's racy case): then it is hashed again.
/// </summary>
public sealed class FileHashCacheTests : IDisposable
{
    private static readonly DateTime LongAgo = DateTime.UtcNow.AddHours(-1);

    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private string Cache => temp.File("obj/published-files.txt");

    private static string Sha(string content) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));

    private string Old(string name, string content)
    {
        var path = temp.Write(name, content);
        File.SetLastWriteTimeUtc(path, LongAgo);
        return path;
    }

    private IReadOnlyList<string> Hash(params string[] files) => FileHashCache.Hash(files, Cache, new ListBuildLog(), CancellationToken.None);

    [Fact]
    public void Hash_IsTheSha256OfEachFileInOrder()
    {
        var a = Old("a.dll", "first");
        var b = Old("b.json", "second");

        Assert.Equal([Sha("second"), Sha("first")], Hash(b, a));
    }

    [Fact]
    public void Hash_OldFileSameSizeAndTime_KeepsItsCachedHash()
    {
        var file = Old("app.dll", "version 1");
        Hash(file);
        File.WriteAllText(file, "version 2");
        File.SetLastWriteTimeUtc(file, LongAgo);

        Assert.Equal([Sha("version 1")], Hash(file));
    }

    [Fact]
    public void Hash_NewTime_HashesAgain()
    {
        var file = Old("app.dll", "version 1");
        Hash(file);
        File.WriteAllText(file, "version 2");
        File.SetLastWriteTimeUtc(file, LongAgo.AddSeconds(1));

        Assert.Equal([Sha("version 2")], Hash(file));
    }

    [Fact]
    public void Hash_NewSize_HashesAgain()
    {
        var file = Old("app.dll", "version 1");
        Hash(file);
        File.WriteAllText(file, "version 10");
        File.SetLastWriteTimeUtc(file, LongAgo);

        Assert.Equal([Sha("version 10")], Hash(file));
    }

    [Fact]
    public void Hash_FileWrittenJustBeforeItWasHashed_IsHashedAgainEvenWithTheSameSizeAndTime()
    {
        var file = temp.Write("web.config", "version 1");
        var time = File.GetLastWriteTimeUtc(file);
        Hash(file);
        File.WriteAllText(file, "version 2");
        File.SetLastWriteTimeUtc(file, time);

        Assert.Equal([Sha("version 2")], Hash(file));
    }

    [Fact]
    public void Hash_NothingChanged_LeavesTheCacheFileAlone()
    {
        var file = Old("app.dll", "version 1");
        Hash(file);
        File.SetLastWriteTimeUtc(Cache, LongAgo);

        Hash(file);

        Assert.Equal(LongAgo, File.GetLastWriteTimeUtc(Cache));
    }

    [Fact]
    public void Hash_UnreadableCache_HashesEveryFile()
    {
        var file = Old("app.dll", "version 1");
        Hash(file);
        File.WriteAllText(file, "version 2");
        File.SetLastWriteTimeUtc(file, LongAgo);
        File.WriteAllText(Cache, "not a cache\n1\t2\t3\t" + file + "\n");

        Assert.Equal([Sha("version 2")], Hash(file));
    }

    [Fact]
    public void Hash_FileNoLongerPublished_LeavesTheCache()
    {
        var a = Old("a.dll", "first");
        var b = Old("b.dll", "second");
        Hash(a, b);

        Hash(a);

        Assert.DoesNotContain(File.ReadAllLines(Cache), line => line.EndsWith(b, StringComparison.Ordinal));
    }
}
