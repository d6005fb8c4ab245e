using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Drydock.Build.Diagnostics;

namespace Drydock.Build.Oci;

/// <summary>
/// SHA-256 of the published files, the image's inputs by content (the web SDK rewrites <c>web.config</c> on
/// every publish, so times alone would rebuild the image every time), read again only for files whose size
/// or modification time changed since the last publish. The cache trusts size and time as the SDK's own
/// incremental copy to the publish folder does (<c>Copy</c> with <c>SkipUnchangedFiles</c>), with git's guard
/// against "racy" entries (https://git-scm.com/docs/racy-git): a file whose time is within
/// <see cref="RacyWindow"/> of when its hash was taken is hashed again next time, since a write in the same
/// clock tick can change its content and keep its size and time.
/// </summary>
public static class FileHashCache
{
    /// <summary>Wider than any file system's time step (FAT's is 2 s; Linux stamps files from a coarse clock).</summary>
    internal static readonly TimeSpan RacyWindow = TimeSpan.FromSeconds(2);

    private const string Header = "drydock-file-hashes 1";

    /// <summary>
    /// Lowercase hex SHA-256 of each file (full paths), in the given order. <paramref name="cacheFile"/> holds
    /// size, time and hash per path from the last call; it is rewritten only when something changed. A missing
    /// or unreadable cache only costs time: every file is hashed.
    /// </summary>
    public static IReadOnlyList<string> Hash(IReadOnlyList<string> files, string cacheFile, IBuildLog log, CancellationToken cancellationToken)
    {
        var cached = Read(cacheFile);
        var startedAt = DateTime.UtcNow;
        var entries = new List<Entry>(files.Count);
        var hashed = 0;
        foreach (var path in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var info = new FileInfo(path);
            var (size, time) = (info.Length, info.LastWriteTimeUtc.Ticks);
            if (cached.Entries.TryGetValue(path, out var entry) && entry.Size == size && entry.Time == time
                && time < (cached.HashedAt - RacyWindow).Ticks)
            {
                entries.Add(entry);
                continue;
            }

            entries.Add(new Entry(path, size, time, HashOf(path)));
            hashed++;
        }

        // Written with the time hashing started: an entry is trusted next time only if its file was older than that.
        var changed = hashed > 0 || entries.Count != cached.Entries.Count;
        if (changed)
        {
            Write(cacheFile, startedAt, entries);
        }

        log.Detail($"Drydock: hashed {hashed} of {files.Count} published files (the others unchanged in size and time since {cacheFile} was written)");
        return entries.Select(e => e.Hash).ToList();
    }

    private static string HashOf(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private sealed record Entry(string Path, long Size, long Time, string Hash);

    private sealed record Cache(DateTime HashedAt, Dictionary<string, Entry> Entries);

    /// <summary>The header with the time hashing started, then one line per file: size, time (ticks, UTC), hash, path, tab-separated.</summary>
    private static Cache Read(string cacheFile)
    {
        var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        try
        {
            using var reader = new StreamReader(cacheFile, Encoding.UTF8);
            var header = reader.ReadLine()?.Split('\t');
            if (header is not [Header, var at] || !long.TryParse(at, NumberStyles.None, CultureInfo.InvariantCulture, out var hashedAt))
            {
                return new Cache(DateTime.MinValue, entries);
            }

            while (reader.ReadLine() is { } line)
            {
                if (line.Split('\t', 4) is [var size, var time, var hash, var path]
                    && long.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var s)
                    && long.TryParse(time, NumberStyles.None, CultureInfo.InvariantCulture, out var t)
                    && hash.Length == 64)
                {
                    entries[path] = new Entry(path, s, t, hash);
                }
            }

            return new Cache(new DateTime(hashedAt, DateTimeKind.Utc), entries);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException)
        {
            return new Cache(DateTime.MinValue, []);
        }
    }

    private static void Write(string cacheFile, DateTime hashedAt, List<Entry> entries)
    {
        var text = new StringBuilder();
        text.Append(Header).Append('\t').Append(hashedAt.Ticks.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (var entry in entries)
        {
            text.Append(CultureInfo.InvariantCulture, $"{entry.Size}\t{entry.Time}\t{entry.Hash}\t{entry.Path}\n");
        }

        var temporary = cacheFile + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(cacheFile))!);
            File.WriteAllText(temporary, text.ToString(), new UTF8Encoding(false));
            File.Move(temporary, cacheFile, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A cache that cannot be written only costs time next run.
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }
}
