using System.Security.Cryptography;

namespace Drydock.Build.Oci;

/// <summary>
/// Compressed gzip members of file data (<see cref="ReproducibleGzipStream.WriteMember"/>), kept on disk by
/// the SHA-256 and size of what they hold, the compression level and the .NET runtime's version (its
/// zlib makes the bytes), so a file whose content did not
/// change (static files, package assemblies: most of an app's bytes) is deflated once, not on every
/// publish. A member's bytes depend only on that key, so a hit gives the same layer bytes as a miss.
/// One publish's cache: <see cref="Prune"/> then drops what it did not use, so the folder holds one
/// image's worth of members at most.
/// </summary>
public sealed class GzipMemberCache(string directory)
{
    private readonly HashSet<string> used = new(StringComparer.Ordinal);

    /// <summary>Copies the member <paramref name="name"/> to <paramref name="output"/>; false when it is not cached (or not readable).</summary>
    internal bool TryCopy(string name, Stream output)
    {
        FileStream file;
        try
        {
            file = new FileStream(PathOf(name), FileMode.Open, FileAccess.Read, FileShare.Read, 81920);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        using (file)
        {
            file.CopyTo(output);
        }

        lock (used)
        {
            used.Add(name);
        }

        return true;
    }

    /// <summary>A new member to store: written to a temp file and renamed into place on <see cref="StoredMember.Commit"/>, so no reader sees half of one.</summary>
    internal StoredMember? Create(string name)
    {
        try
        {
            Directory.CreateDirectory(directory);
            var temp = PathOf(name) + "." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)) + ".tmp";
            return new StoredMember(this, name, temp, new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // A cache that cannot be written only costs time next run.
        }
    }

    /// <summary>Deletes every member this publish did not use, and any temp file left by a stopped one.</summary>
    public void Prune()
    {
        if (!Directory.Exists(directory))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(directory))
        {
            if (!used.Contains(Path.GetFileName(file)))
            {
                try
                {
                    File.Delete(file);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Another build holds it open; the next prune takes it.
                }
            }
        }
    }

    private string PathOf(string name) => Path.Combine(directory, name);

    /// <summary>A member being written to the cache; deleted on dispose unless committed.</summary>
    internal sealed class StoredMember(GzipMemberCache cache, string name, string temp, FileStream stream) : IDisposable
    {
        private bool committed;

        public Stream Stream => stream;

        public void Commit()
        {
            stream.Dispose();
            try
            {
                File.Move(temp, cache.PathOf(name), overwrite: true);
                committed = true;
                lock (cache.used)
                {
                    cache.used.Add(name);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Not cached; the layer itself is written already.
            }
        }

        public void Dispose()
        {
            stream.Dispose();
            if (!committed)
            {
                File.Delete(temp);
            }
        }
    }
}
