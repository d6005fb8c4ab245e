using Drydock.Testing;

// Reads DRYDOCK_IMAGE and the rest like a test fixture; the test sends a signal once "started" is printed.
await using var image = new ImageUnderTest();
await using var app = await image.StartAsync();
Console.WriteLine($"started {app.Id}");

// Bounded: if no signal comes, the test has failed anyway; dispose then cleans up.
await Task.Delay(TimeSpan.FromSeconds(60));
return 1;
