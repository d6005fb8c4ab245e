using System.Runtime.InteropServices;

// TESTAPP_MODE picks a failure to act out, so one image serves every scenario.
switch (Environment.GetEnvironmentVariable("TESTAPP_MODE"))
{
    case "crash":
        Console.Error.WriteLine("testapp: crashing at start on purpose");
        return 3;
    case "silent":
        Console.WriteLine("testapp: never listening");
        Thread.Sleep(TimeSpan.FromMinutes(10));
        return 0;
    case "slow":
        // Behind docker-proxy or rootlessport the published port accepts connections all along.
        Console.WriteLine("testapp: listening in 5 s");
        Thread.Sleep(TimeSpan.FromSeconds(5));
        break;
}

var app = WebApplication.CreateSlimBuilder(args).Build();
app.MapGet("/", () => "ok");
app.MapGet("/env", () => $"{Environment.ProcessorCount} {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes}");
app.MapGet("/var", (string name) => Environment.GetEnvironmentVariable(name) ?? "");
// Another container by name (a network alias): "connected", or why not.
app.MapGet("/connect", async (string host, int port) =>
{
    using var client = new System.Net.Sockets.TcpClient();
    try
    {
        await client.ConnectAsync(host, port).WaitAsync(TimeSpan.FromSeconds(5));
        return "connected";
    }
    catch (Exception e) when (e is System.Net.Sockets.SocketException or TimeoutException)
    {
        return e.Message;
    }
});
app.MapGet("/write", (string path) =>
{
    try
    {
        File.WriteAllText(path, "probe");
        return Results.Ok("written");
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
    {
        return Results.Problem(e.Message);
    }
});

// Native memory, touched page by page: the GC's heap limit cannot stop it, only the cgroup can.
app.MapGet("/alloc", (int mb) =>
{
    var size = (nuint)mb * 1024 * 1024;
    unsafe
    {
        var memory = (byte*)NativeMemory.Alloc(size);
        for (nuint offset = 0; offset < size; offset += 4096)
        {
            memory[offset] = 1;
        }

        NativeMemory.Free(memory);
    }

    return $"allocated {mb} MB";
});
app.Run();
return 0;
