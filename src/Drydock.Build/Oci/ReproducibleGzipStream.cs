using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Drydock.Build.Oci;

/// <summary>
/// Writes gzip (RFC 1952) whose bytes depend only on the data: the header is written here, not by
/// GZipStream, because GZipStream's header carries the operating system byte of the machine (3 on Unix,
/// 10 on Windows) and the same commit must give the same layer digest on both. Each member's header:
/// no file name, MTIME 0, XFL 0, OS 255 ("unknown"). Deflate runs at a fixed zlib level.
/// <para>
/// The output is a series of members (RFC 1952 section 2.2: "a gzip file consists of a series of
/// members"; every gzip reader decompresses them as one stream, as eStargz layers rely on): bytes given
/// to <see cref="Write(ReadOnlySpan{byte})"/> go into one member until <see cref="WriteMember"/> puts a
/// file's data of at least <see cref="MinMemberSize"/> bytes into a member of its own. Where members start
/// depends only on the data, so the bytes are the same with or without a <see cref="GzipMemberCache"/>;
/// with one, a file whose content was compressed before (a static file, a package's assembly) is copied
/// from the cache instead of deflated again.
/// </para>
/// Also hashes what it is given: <see cref="GetUncompressedDigest"/> is the layer's diff_id.
/// </summary>
internal sealed class ReproducibleGzipStream : WriteOnlyStream
{
    /// <summary>Smaller file data stays in the running member: deflating it again costs little, and a member costs ~20 bytes.</summary>
    public const int MinMemberSize = 16 * 1024;

    /// <summary>zlib's default level (what CompressionLevel.Optimal maps to): a good size/speed balance.</summary>
    private const int CompressionLevel = 6;

    private static readonly byte[] Header = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF];

    private readonly Stream output;
    private readonly GzipMemberCache? cache;
    private readonly IncrementalHash uncompressed = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private Member? member;
    private bool anyMember;

    public ReproducibleGzipStream(Stream output, GzipMemberCache? cache = null)
    {
        this.output = output;
        this.cache = cache;
    }

    /// <summary>The SHA-256 of every uncompressed byte written; call once, after the last write.</summary>
    public Digest GetUncompressedDigest() => Digest.FromHash(uncompressed.GetHashAndReset());

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        uncompressed.AppendData(buffer);
        (member ??= StartMember(output)).Write(buffer);
    }

    /// <summary>
    /// <paramref name="size"/> bytes of <paramref name="data"/> (seekable, read from its current position)
    /// as a member of their own when there are at least <see cref="MinMemberSize"/>; otherwise as
    /// <see cref="Write(ReadOnlySpan{byte})"/> does.
    /// </summary>
    public void WriteMember(Stream data, long size)
    {
        var start = data.Position;
        if (size < MinMemberSize)
        {
            Copy(data, size, Write);
            return;
        }

        member?.Dispose();
        member = null;
        using var key = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Copy(data, size, span =>
        {
            uncompressed.AppendData(span);
            key.AppendData(span);
        });
        // The runtime's version too: its zlib makes the bytes, and a member of another zlib would make a
        // warm cache give other bytes than a cold one.
        var name = $"{Convert.ToHexStringLower(key.GetHashAndReset())}-{size}-l{CompressionLevel}-net{Environment.Version}";
        anyMember = true;
        if (cache?.TryCopy(name, output) == true)
        {
            return;
        }

        data.Position = start;
        using var stored = cache?.Create(name);
        var target = stored is null ? output : new TeeStream(output, stored.Stream);
        using (var fresh = new Member(target))
        {
            Copy(data, size, fresh.Write);
        }

        stored?.Commit();
    }

    public override void Flush()
    {
    }

    /// <summary>Ends the last member. A stream given no bytes at all is one empty member, still valid gzip.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            (member ?? (anyMember ? null : StartMember(output)))?.Dispose();
            member = null;
            uncompressed.Dispose();
        }

        base.Dispose(disposing);
    }

    private Member StartMember(Stream target)
    {
        anyMember = true;
        return new Member(target);
    }

    private delegate void SpanAction(ReadOnlySpan<byte> span);

    private static void Copy(Stream data, long size, SpanAction action)
    {
        var buffer = new byte[81920];
        var remaining = size;
        while (remaining > 0)
        {
            var read = data.Read(buffer, 0, (int)Math.Min(buffer.Length, remaining));
            if (read == 0)
            {
                throw new EndOfStreamException($"The data ended {remaining} bytes early.");
            }

            action(buffer.AsSpan(0, read));
            remaining -= read;
        }
    }

    /// <summary>One gzip member: header, deflate, then the trailer (CRC-32 and length mod 2^32, little-endian) on dispose.</summary>
    private sealed class Member : IDisposable
    {
        private readonly Stream output;
        private readonly DeflateStream deflate;
        private uint crc;
        private long length;

        public Member(Stream output)
        {
            this.output = output;
            output.Write(Header);
            deflate = new DeflateStream(
                output,
                new ZLibCompressionOptions { CompressionLevel = CompressionLevel, CompressionStrategy = ZLibCompressionStrategy.Default },
                leaveOpen: true);
        }

        public void Write(ReadOnlySpan<byte> buffer)
        {
            crc = Crc32.Append(crc, buffer);
            length += buffer.Length;
            deflate.Write(buffer);
        }

        public void Dispose()
        {
            deflate.Dispose();
            Span<byte> trailer = stackalloc byte[8];
            BinaryPrimitives.WriteUInt32LittleEndian(trailer, crc);
            BinaryPrimitives.WriteUInt32LittleEndian(trailer[4..], unchecked((uint)length));
            output.Write(trailer);
        }
    }

    /// <summary>Writes to two streams: the layer, and the cache file of the member being written.</summary>
    private sealed class TeeStream(Stream first, Stream second) : WriteOnlyStream
    {
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            first.Write(buffer);
            second.Write(buffer);
        }

        public override void Flush()
        {
        }
    }
}
