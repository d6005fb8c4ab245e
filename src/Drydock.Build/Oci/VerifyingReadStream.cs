using System.Security.Cryptography;
using Drydock.Build.Diagnostics;

namespace Drydock.Build.Oci;

/// <summary>
/// Reads a blob and, when its last byte has been read, checks it against its descriptor: a blob whose
/// size or digest differs fails with DRY3002 instead of being passed on (a registry would reject it
/// later, far from the cause). See https://github.com/opencontainers/image-spec/blob/main/descriptor.md#digests.
/// </summary>
internal sealed class VerifyingReadStream(Stream inner, Descriptor expected, string archivePath) : Stream
{
    private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long position;
    private bool verified;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => expected.Size;

    public override long Position
    {
        get => position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        hash.AppendData(buffer[..read]);
        position += read;
        if (position > expected.Size || (read == 0 && buffer.Length > 0 && position < expected.Size))
        {
            throw Invalid($"has {(read == 0 ? position : "more than " + expected.Size)} bytes, but its descriptor says {expected.Size}");
        }

        if (position == expected.Size && !verified)
        {
            verified = true;
            var actual = Digest.FromHash(hash.GetHashAndReset());
            if (actual != expected.Digest)
            {
                throw Invalid($"has digest {actual}");
            }
        }

        return read;
    }

    private DrydockException Invalid(string what) =>
        OciArchive.Invalid(archivePath, $"blob {expected.Digest} {what}");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            hash.Dispose();
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
