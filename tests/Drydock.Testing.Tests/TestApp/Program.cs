using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

// The shapes of dotnet-docker's samples, picked by the first argument or TESTAPP_MODE, so one image serves every scenario.
switch (args.FirstOrDefault() ?? Environment.GetEnvironmentVariable("TESTAPP_MODE"))
{
    case "dotnetapp":
        // A console app: prints, says something on stderr, exits with the code asked for (0 by default).
        Console.WriteLine($"Hello, {(args.Length > 1 ? args[1] : ".NET")}!");
        Console.WriteLine($"Cores: {Environment.ProcessorCount}");
        Console.Error.WriteLine("dotnetapp: a line on stderr");
        Console.WriteLine("dotnetapp: done");
        return args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 0;
    case "globalapp":
        // As globalapp on a base without ICU: the cause first, then a long stack (here 80 frames deep).
        Console.Error.WriteLine("Process terminated. Couldn't find a valid ICU package installed on the system. Please install libicu using your package manager and try again.");
        Deep(80);
        return 0;
    case "worker":
        // A worker: listens on nothing, logs once its first round of work is done.
        Console.WriteLine("worker: starting");
        Thread.Sleep(TimeSpan.FromSeconds(2));
        for (var round = 0; round < 600; round++)
        {
            Console.WriteLine($"Worker running at: {DateTimeOffset.UtcNow:O}");
            Thread.Sleep(TimeSpan.FromSeconds(1));
        }

        return 0;
}

// TESTAPP_MODE picks a failure to act out.
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

[MethodImpl(MethodImplOptions.NoInlining)]
static void Deep(int depth)
{
    if (depth == 0)
    {
        throw new TypeInitializationException("System.Globalization.CultureInfo", null);
    }

    Deep(depth - 1);
    // Not a tail call: every level keeps its frame, as a real deep stack does.
    Console.Out.Flush();
}
