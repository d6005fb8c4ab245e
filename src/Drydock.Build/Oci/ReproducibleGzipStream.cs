using System.Buffers.Binary;
using System.IO.Compression;

namespace Drydock.Build.Oci;

/// <summary>
/// Writes a gzip member (RFC 1952) whose bytes depend only on the data: the header is written here,
/// not by GZipStream, because GZipStream's header carries the operating system byte of the machine
/// (3 on Unix, 10 on Windows) and the same commit must give the same layer digest on both.
/// Header: no file name, MTIME 0, XFL 0, OS 255 ("unknown"). Deflate runs at a fixed zlib level.
/// </summary>
internal sealed class ReproducibleGzipStream : Stream
{
    /// <summary>zlib's default level (what CompressionLevel.Optimal maps to): a good size/speed balance.</summary>
    private const int CompressionLevel = 6;

    private static readonly byte[] Header = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF];

    private readonly Stream output;
    private readonly DeflateStream deflate;
    private uint crc;
    private long length;

    public ReproducibleGzipStream(Stream output)
    {
        this.output = output;
        output.Write(Header);
        deflate = new DeflateStream(
            output,
            new ZLibCompressionOptions { CompressionLevel = CompressionLevel, CompressionStrategy = ZLibCompressionStrategy.Default },
            leaveOpen: true);
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        crc = Crc32.Append(crc, buffer);
        length += buffer.Length;
        deflate.Write(buffer);
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Ends the deflate stream and writes the trailer: CRC-32 and length mod 2^32, little-endian.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            deflate.Dispose();
            Span<byte> trailer = stackalloc byte[8];
            BinaryPrimitives.WriteUInt32LittleEndian(trailer, crc);
            BinaryPrimitives.WriteUInt32LittleEndian(trailer[4..], unchecked((uint)length));
            output.Write(trailer);
        }

        base.Dispose(disposing);
    }
}
