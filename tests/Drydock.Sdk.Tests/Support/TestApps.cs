namespace Drydock.Sdk.Tests.Support;

/// <summary>Programs for apps under test.</summary>
internal static class TestApps
{
    /// <summary>
    /// A web app that tells what it sees of its limits, and can allocate on request or at start (native
    /// memory there, past the GC's own limit, so that the kernel's OOM killer, not the GC, stops it).
    /// </summary>
    public const string Web = """
        using System.Runtime.InteropServices;

        var allocateAtStart = Environment.GetEnvironmentVariable("ALLOCATE_AT_START_MB");
        for (var i = 0; i < int.Parse(allocateAtStart ?? "0"); i++)
        {
            var block = Marshal.AllocHGlobal(1 << 20);
            for (var offset = 0; offset < 1 << 20; offset += 4096)
            {
                Marshal.WriteByte(block, offset, 1);
            }
        }

        var app = WebApplication.CreateSlimBuilder(args).Build();
        app.MapGet("/", () => "Hello from a Drydock test!");
        app.MapGet("/env", () => $"{Environment.ProcessorCount} {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes}");
        app.MapGet("/alloc", (int mb) => Allocate(mb));
        app.Run();

        static int Allocate(int megabytes)
        {
            var blocks = new List<byte[]>();
            for (var i = 0; i < megabytes; i++)
            {
                var block = new byte[1 << 20];
                Array.Fill(block, (byte)1);
                blocks.Add(block);
            }

            return blocks.Count;
        }
        """;

    /// <summary>A console app that never listens on any port.</summary>
    public const string NeverListens = """
        Console.WriteLine("working, but not listening");
        Thread.Sleep(Timeout.Infinite);
        """;
}
