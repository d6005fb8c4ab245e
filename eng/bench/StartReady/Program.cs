using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Drydock.Testing;

// Usage: StartReady <image> [runs]
var image = args[0];
var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
var fixture = ImageUnderTest.For(new ImageOptions { Image = image, Runtime = "podman", Profile = new TestProfile { Memory = "256m" } });
var drydock = new List<double>();
var raw = new List<double>();

for (var i = 0; i < runs; i++)
{
    var clock = Stopwatch.StartNew();
    var container = await fixture.StartAsync();
    drydock.Add(clock.Elapsed.TotalSeconds);
    await container.DisposeAsync();

    raw.Add(await RawStartAsync(image));
}

await fixture.DisposeAsync();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"start->ready, runs={runs}: ImageUnderTest min {drydock.Min():0.000} s median {Median(drydock):0.000} s; podman run + TCP poll min {raw.Min():0.000} s median {Median(raw):0.000} s; ratio min {drydock.Min() / raw.Min():0.00}x median {Median(drydock) / Median(raw):0.00}x (goal <= 1.2x)"));

// The baseline: `podman run` with the same limits, then a TCP connect every 10 ms until it succeeds.
static async Task<double> RawStartAsync(string image)
{
    var clock = Stopwatch.StartNew();
    var id = Podman("run", "-d", "--cpus", "1", "--memory", "256m", "--memory-swap", "256m", "--read-only", "--tmpfs", "/tmp", "-p", "127.0.0.1::8080", image).Trim();
    var port = int.Parse(Podman("port", id, "8080").Trim().Split(':')[^1], CultureInfo.InvariantCulture);
    var deadline = Stopwatch.StartNew();
    while (deadline.Elapsed < TimeSpan.FromSeconds(30))
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port);
            break;
        }
        catch (SocketException)
        {
            await Task.Delay(10);
        }
    }

    var elapsed = clock.Elapsed.TotalSeconds;
    Podman("rm", "--force", "--time", "0", id);
    return elapsed;
}

static string Podman(params string[] arguments)
{
    using var process = Process.Start(new ProcessStartInfo("podman", arguments) { RedirectStandardOutput = true })!;
    var output = process.StandardOutput.ReadToEnd();
    process.WaitForExit();
    return output;
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}
