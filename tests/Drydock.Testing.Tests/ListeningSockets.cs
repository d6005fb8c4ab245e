using System.Net;

namespace Drydock.Testing.Tests;

/// <summary>Reading what the app listens on from /proc/&lt;pid&gt;/net/tcp{,6} (proc(5)), as the kernel writes it.</summary>
public sealed class ListeningSockets
{
    private const string Header = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode";

    [Fact]
    public void Parse_Tcp_ListeningSocketsOnly()
    {
        string[] lines =
        [
            Header,
            "   0: 00000000:270F 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1654        0 1 1 0000000000000000 100 0 0 10 0",
            "   1: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1654        0 2 1 0000000000000000 100 0 0 10 0",
            "   2: 0200A8C0:1F90 0100A8C0:D431 01 00000000:00000000 00:00000000 00000000  1654        0 3 1 0000000000000000 20 4 30 10 -1",
        ];

        var sockets = ContainerProcess.Parse(lines).ToList();

        Assert.Equal([new ListeningSocket(IPAddress.Any, 9999), new ListeningSocket(IPAddress.Loopback, 8080)], sockets);
        Assert.False(sockets[0].LoopbackOnly);
        Assert.True(sockets[1].LoopbackOnly);
    }

    [Fact]
    public void Parse_Tcp6_AnyAndLoopback()
    {
        string[] lines =
        [
            Header,
            "   0: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1654        0 4 1 0000000000000000 100 0 0 10 0",
            "   1: 00000000000000000000000001000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1654        0 5 1 0000000000000000 100 0 0 10 0",
        ];

        var sockets = ContainerProcess.Parse(lines).ToList();

        Assert.Equal([new ListeningSocket(IPAddress.IPv6Any, 8080), new ListeningSocket(IPAddress.IPv6Loopback, 80)], sockets);
        Assert.Equal("[::]:8080", sockets[0].ToString());
        Assert.True(sockets[1].LoopbackOnly);
    }

    [Fact]
    public void TryFind_ProcessOfAnotherContainer_Null()
    {
        // This test host is a process the host sees, but it belongs to no container of that id.
        Assert.Null(ContainerProcess.TryFind(Environment.ProcessId, new string('a', 64)));
    }
}
