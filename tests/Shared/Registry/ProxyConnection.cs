using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Drydock.Tests.Registry;

/// <summary>The request line and headers of one HTTP/1.1 request.</summary>
internal sealed record ProxyRequestHead(string Method, string Target, string Version, IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    /// <summary>The target's path, without the query.</summary>
    public string Path => Target.Split('?', 2)[0];

    public string? Header(string name) =>
        Headers.FirstOrDefault(header => string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    public long? ContentLength =>
        long.TryParse(Header("Content-Length"), NumberStyles.None, CultureInfo.InvariantCulture, out var length) ? length : null;

    public bool IsChunked =>
        Header("Transfer-Encoding") is { } encoding && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase);

    public bool HasBody => IsChunked || ContentLength > 0;

    public bool ExpectsContinue =>
        string.Equals(Header("Expect"), "100-continue", StringComparison.OrdinalIgnoreCase);

    public bool KeepAlive =>
        Version == "HTTP/1.1" && !string.Equals(Header("Connection"), "close", StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// One client connection to <see cref="RegistryProxy"/>: a buffered reader of request heads and
/// bodies (Content-Length or chunked, RFC 9112 §6-7) and a writer of responses. Hand-rolled rather
/// than HttpListener so the proxy can stop reading a body half way and reset the connection.
/// </summary>
internal sealed class ProxyConnection : IDisposable
{
    private const int MaxHeadBytes = 64 * 1024;

    private readonly Socket socket;
    private readonly NetworkStream stream;
    private readonly byte[] buffer = new byte[16 * 1024];
    private int start;
    private int end;

    public ProxyConnection(Socket socket)
    {
        this.socket = socket;
        socket.NoDelay = true;
        stream = new NetworkStream(socket, ownsSocket: false);
    }

    /// <summary>The next request's head; null when the client closed the connection between requests.</summary>
    public async Task<ProxyRequestHead?> ReadHeadAsync(CancellationToken cancellationToken)
    {
        var requestLine = await ReadLineAsync(cancellationToken);
        while (requestLine is { Length: 0 })
        {
            requestLine = await ReadLineAsync(cancellationToken); // RFC 9112 §2.2: ignore leading empty lines
        }

        if (requestLine is null)
        {
            return null;
        }

        var parts = requestLine.Split(' ');
        if (parts.Length != 3)
        {
            throw new InvalidDataException($"Bad request line: {requestLine}");
        }

        var headers = new List<KeyValuePair<string, string>>();
        var size = requestLine.Length;
        while (await ReadLineAsync(cancellationToken) is { Length: > 0 } line)
        {
            size += line.Length;
            if (size > MaxHeadBytes)
            {
                throw new InvalidDataException("Request head too large.");
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new InvalidDataException($"Bad header line: {line}");
            }

            headers.Add(new(line[..colon].Trim(), line[(colon + 1)..].Trim()));
        }

        return new ProxyRequestHead(parts[0], parts[1], parts[2], headers);
    }

    /// <summary>A stream over the request's body that reports each chunk read to <paramref name="onRead"/>.</summary>
    public Body OpenBody(ProxyRequestHead head, Action<int> onRead) =>
        head.IsChunked ? new ChunkedBody(this, onRead)
        : new LengthBody(this, head.ContentLength ?? 0, onRead);

    public Task WriteAsync(string text, CancellationToken cancellationToken) =>
        stream.WriteAsync(Encoding.ASCII.GetBytes(text), cancellationToken).AsTask();

    public Task WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken) =>
        stream.WriteAsync(bytes, cancellationToken).AsTask();

    /// <summary>Writes a response head; the caller decides the body framing through the headers it passes.</summary>
    public Task WriteHeadAsync(int status, IEnumerable<KeyValuePair<string, string>> headers, CancellationToken cancellationToken)
    {
        var head = new StringBuilder();
        head.Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {status} {ReasonPhrase(status)}\r\n");
        foreach (var (name, value) in headers)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        head.Append("\r\n");
        return WriteAsync(head.ToString(), cancellationToken);
    }

    /// <summary>Drops the connection with a TCP reset, so the client sees a network error, not an answer.</summary>
    public void Reset()
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        stream.Dispose();
        socket.Dispose();
    }

    private async ValueTask<int> ReadRawAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (start < end)
        {
            var count = Math.Min(destination.Length, end - start);
            buffer.AsMemory(start, count).CopyTo(destination);
            start += count;
            return count;
        }

        return await stream.ReadAsync(destination, cancellationToken);
    }

    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (start > 0)
        {
            Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }

        if (end == buffer.Length)
        {
            throw new InvalidDataException("Header line too long.");
        }

        var read = await stream.ReadAsync(buffer.AsMemory(end), cancellationToken);
        end += read;
        return read > 0;
    }

    /// <summary>One CRLF-terminated line without its terminator; null at end of stream before any byte.</summary>
    private async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var newline = Array.IndexOf(buffer, (byte)'\n', start, end - start);
            if (newline >= 0)
            {
                var length = newline - start;
                if (length > 0 && buffer[newline - 1] == '\r')
                {
                    length--;
                }

                var line = Encoding.Latin1.GetString(buffer, start, length);
                start = newline + 1;
                return line;
            }

            if (!await FillAsync(cancellationToken))
            {
                if (start == end)
                {
                    return null;
                }

                throw new EndOfStreamException("Connection closed in the middle of a line.");
            }
        }
    }

    private static string ReasonPhrase(int status) => status switch
    {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        206 => "Partial Content",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Content Too Large",
        416 => "Range Not Satisfiable",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    };

    /// <summary>Read-only body stream; subclasses decide where the body ends.</summary>
    internal abstract class Body(ProxyConnection connection, Action<int> onRead) : Stream
    {
        protected ProxyConnection Connection { get; } = connection;

        /// <summary>Whether the whole body has been read, so the next request's head follows.</summary>
        public abstract bool Complete { get; }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) =>
            ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
        {
            var read = await ReadBodyAsync(destination, cancellationToken);
            if (read > 0)
            {
                onRead(read);
            }

            return read;
        }

        protected abstract ValueTask<int> ReadBodyAsync(Memory<byte> destination, CancellationToken cancellationToken);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed class LengthBody(ProxyConnection connection, long length, Action<int> onRead) : Body(connection, onRead)
    {
        private long remaining = length;

        public override bool Complete => remaining == 0;

        protected override async ValueTask<int> ReadBodyAsync(Memory<byte> destination, CancellationToken cancellationToken)
        {
            if (remaining == 0 || destination.Length == 0)
            {
                return 0;
            }

            var read = await Connection.ReadRawAsync(destination[..(int)Math.Min(destination.Length, remaining)], cancellationToken);
            if (read == 0)
            {
                throw new EndOfStreamException($"Client closed the connection with {remaining} body bytes unsent.");
            }

            remaining -= read;
            return read;
        }
    }

    private sealed class ChunkedBody(ProxyConnection connection, Action<int> onRead) : Body(connection, onRead)
    {
        private long chunkRemaining;
        private bool done;

        public override bool Complete => done;

        protected override async ValueTask<int> ReadBodyAsync(Memory<byte> destination, CancellationToken cancellationToken)
        {
            if (done || destination.Length == 0)
            {
                return 0;
            }

            if (chunkRemaining == 0)
            {
                var sizeLine = await Connection.ReadLineAsync(cancellationToken)
                    ?? throw new EndOfStreamException("Client closed the connection inside a chunked body.");
                var size = sizeLine.Split(';', 2)[0].Trim();
                chunkRemaining = long.Parse(size, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (chunkRemaining == 0)
                {
                    // Trailer fields up to the empty line (RFC 9112 §7.1.2).
                    while (await Connection.ReadLineAsync(cancellationToken) is { Length: > 0 })
                    {
                    }

                    done = true;
                    return 0;
                }
            }

            var read = await Connection.ReadRawAsync(destination[..(int)Math.Min(destination.Length, chunkRemaining)], cancellationToken);
            if (read == 0)
            {
                throw new EndOfStreamException("Client closed the connection inside a chunk.");
            }

            chunkRemaining -= read;
            if (chunkRemaining == 0)
            {
                await Connection.ReadLineAsync(cancellationToken); // the CRLF after the chunk data
            }

            return read;
        }
    }
}
