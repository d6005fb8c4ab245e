using Drydock.Testing;

// A test host stand-in, configured like a test fixture (DRYDOCK_IMAGE and the rest).
//   no argument: starts a container, prints "started <id>", then waits to be interrupted (Signals.cs).
//   "once": starts with the app variables in SIGNALHOST_APP_ENV ("NAME=value;…"), prints "ready <seconds>
//   <answer to GET />" or "failed <code> <message>", removes the container and exits (RootlessPodman.cs,
//   which runs it as another user).
await using var image = new ImageUnderTest();
if (args is ["once"])
{
    var clock = System.Diagnostics.Stopwatch.StartNew();
    try
    {
        await using var ready = await image.StartAsync(options =>
        {
            foreach (var pair in (Environment.GetEnvironmentVariable("SIGNALHOST_APP_ENV") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
            {
                options.Environment[pair[..pair.IndexOf('=', StringComparison.Ordinal)]] = pair[(pair.IndexOf('=', StringComparison.Ordinal) + 1)..];
            }
        });
        var seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine(FormattableString.Invariant($"ready {seconds:0.000} {await ready.Http.GetStringAsync(new Uri("/", UriKind.Relative))}"));
    }
    catch (ContainerStartException e)
    {
        Console.WriteLine($"failed {e.Code} {e.Message.ReplaceLineEndings(" | ")}");
    }

    return 0;
}

await using var app = await image.StartAsync();
Console.WriteLine($"started {app.Id}");

// Bounded: if no signal comes, the test has failed anyway; dispose then cleans up.
await Task.Delay(TimeSpan.FromSeconds(60));
return 1;
