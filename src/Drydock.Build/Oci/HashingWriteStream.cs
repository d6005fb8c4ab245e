using System.Security.Cryptography;

namespace Drydock.Build.Oci;

/// <summary>
/// Passes writes through to a stream it does not own while counting them and hashing them with SHA-256,
/// so a layer's digest and diff_id come out of the one pass that writes it.
/// </summary>
internal sealed class HashingWriteStream(Stream inner) : WriteOnlyStream
{
    private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public long BytesWritten { get; private set; }

    /// <summary>The digest of everything written so far; call once, after the last write.</summary>
    public Digest GetDigest() => Digest.FromHash(hash.GetHashAndReset());

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        hash.AppendData(buffer);
        inner.Write(buffer);
        BytesWritten += buffer.Length;
    }

    public override void Flush() => inner.Flush();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            hash.Dispose();
        }

        base.Dispose(disposing);
    }
}
