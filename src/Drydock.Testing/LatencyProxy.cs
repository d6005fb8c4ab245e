using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Drydock.Testing;

/// <summary>
/// A TCP proxy on 127.0.0.1 that holds every chunk of data for the latency (± uniform jitter) before
/// passing it on, in each direction, keeping the order of the bytes. User space, because netem needs a
/// kernel module and privileges that test machines often lack.
/// </summary>
internal sealed class LatencyProxy : IAsyncDisposable
{
    private const int BufferSize = 16 * 1024;

    private readonly IPEndPoint _target;
    private readonly TimeSpan _latency;
    private readonly TimeSpan _jitter;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Socket, byte> _sockets = new();
    private readonly Task _accepting;

    private LatencyProxy(IPEndPoint target, TimeSpan latency, TimeSpan jitter)
    {
        (_target, _latency, _jitter) = (target, latency, jitter);
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Endpoint = (IPEndPoint)_listener.LocalEndpoint;
        _accepting = Task.Run(AcceptAsync);
    }

    public IPEndPoint Endpoint { get; }

    public static LatencyProxy Start(IPEndPoint target, TimeSpan latency, TimeSpan jitter) => new(target, latency, jitter);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        foreach (var socket in _sockets.Keys)
        {
            socket.Dispose();
        }

        await _accepting.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ConnectAsync(client));
        }
    }

    private async Task ConnectAsync(Socket client)
    {
        var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        _sockets[client] = 0;
        _sockets[upstream] = 0;
        try
        {
            await upstream.ConnectAsync(_target, _stop.Token).ConfigureAwait(false);
            var toContainer = PumpAsync(client, upstream);
            var toClient = PumpAsync(upstream, client);

            // A reset on one side ends the other side too, instead of leaving it waiting for data.
            if (await Task.WhenAny(toContainer, toClient).ConfigureAwait(false) is { IsFaulted: true })
            {
                client.Dispose();
                upstream.Dispose();
            }

            await Task.WhenAll(toContainer, toClient).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The container or the client went away, or the proxy is disposed: drop the connection.
        }
        finally
        {
            _sockets.TryRemove(client, out _);
            _sockets.TryRemove(upstream, out _);
            client.Dispose();
            upstream.Dispose();
        }
    }

    /// <summary>One direction: a reader stamps each chunk with its due time, a writer sends it then.</summary>
    private async Task PumpAsync(Socket from, Socket to)
    {
        // Unbounded: TCP flow control of the reader's socket is lost while data waits, but a test's
        // traffic is small and the wait is short.
        var queue = Channel.CreateUnbounded<(long Due, byte[]? Data)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var writing = WriteAsync(queue.Reader, to);
        var lastDue = 0L;
        try
        {
            while (true)
            {
                var buffer = new byte[BufferSize];
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token).ConfigureAwait(false);

                // Never earlier than the chunk before, so jitter cannot reorder the stream.
                lastDue = Math.Max(lastDue, Stopwatch.GetTimestamp() + Delay().Ticks * Stopwatch.Frequency / TimeSpan.TicksPerSecond);
                queue.Writer.TryWrite((lastDue, read == 0 ? null : buffer[..read]));
                if (read == 0)
                {
                    break;
                }
            }
        }
        finally
        {
            queue.Writer.TryComplete();
            await writing.ConfigureAwait(false);
        }
    }

    private async Task WriteAsync(ChannelReader<(long Due, byte[]? Data)> queue, Socket to)
    {
        await foreach (var (due, data) in queue.ReadAllAsync(_stop.Token).ConfigureAwait(false))
        {
            // Task.Delay may wake a little early on some timers; loop until the due time has passed.
            long now;
            while ((now = Stopwatch.GetTimestamp()) < due)
            {
                var left = Stopwatch.GetElapsedTime(now, due);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(left.TotalMilliseconds)), _stop.Token).ConfigureAwait(false);
            }

            if (data is null)
            {
                to.Shutdown(SocketShutdown.Send);
                return;
            }

            await to.SendAsync(data, SocketFlags.None, _stop.Token).ConfigureAwait(false);
        }
    }

    private TimeSpan Delay() => _jitter == TimeSpan.Zero
        ? _latency
        : _latency + (_jitter * ((Random.Shared.NextDouble() * 2) - 1));
}
