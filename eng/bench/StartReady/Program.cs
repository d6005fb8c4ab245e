using System.Diagnostics;
using System.Globalization;
using Drydock.Testing;

// Usage: StartReady <image.tar (OCI layout from a Drydock publish)> [runs]
// Per engine (Docker Engine, podman, and the remote engine eng/remote-engine.sh starts, reached over
// tcp://10.231.0.2:2375 as a dind service is): `load` of the image, and start→ready, Drydock's ImageUnderTest
// vs a raw `run` with the same limits + an HTTP poll (any response) every 10 ms. Alternating, same image.
var archive = Path.GetFullPath(args[0]);
var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
const string Image = "drydock-bench/startready:1";
const string RemoteHost = "10.231.0.2";
string[] engines = ["docker", "podman", "remote"];

// Both engines load the same docker-archive (Docker Engine before 25 reads no OCI layout).
var dockerArchive = Path.Combine(Path.GetTempPath(), $"drydock-bench-{Environment.ProcessId}.tar");
File.Delete(dockerArchive);
Run("skopeo", "copy", "--quiet", $"oci-archive:{archive}", $"docker-archive:{dockerArchive}:{Image}");

var load = engines.ToDictionary(engine => engine, _ => new List<double>());
var drydock = engines.ToDictionary(engine => engine, _ => new List<double>());
var raw = engines.ToDictionary(engine => engine, _ => new List<double>());
try
{
    for (var i = 0; i < runs; i++)
    {
        foreach (var engine in engines)
        {
            Run(engine, "rmi", "--force", Image);
            var clock = Stopwatch.StartNew();
            Run(engine, "load", "--input", dockerArchive);
            load[engine].Add(clock.Elapsed.TotalSeconds);

            // An engine pins its connection when made: DOCKER_HOST only while this one is made and used.
            Environment.SetEnvironmentVariable("DOCKER_HOST", engine == "remote" ? $"tcp://{RemoteHost}:2375" : null);
            await using var fixture = ImageUnderTest.For(new ImageOptions { Image = Image, Runtime = Cli(engine), Profile = new TestProfile { Memory = "256m" } });
            clock.Restart();
            var container = await fixture.StartAsync();
            drydock[engine].Add(clock.Elapsed.TotalSeconds);
            await container.DisposeAsync();

            raw[engine].Add(await RawStartAsync(engine, Image));
        }
    }
}
finally
{
    File.Delete(dockerArchive);
    foreach (var engine in engines)
    {
        Run(engine, "rmi", "--force", Image);
    }
}

Console.WriteLine($"runs={runs} (seconds, min / median)");
foreach (var engine in engines)
{
    Console.WriteLine(Invariant($"{engine,-7} load {Min(load[engine]):0.000} / {Median(load[engine]):0.000}; start->ready: ImageUnderTest {Min(drydock[engine]):0.000} / {Median(drydock[engine]):0.000}, raw run + HTTP poll {Min(raw[engine]):0.000} / {Median(raw[engine]):0.000}; Drydock/raw {Median(drydock[engine]) / Median(raw[engine]):0.00}x median (goal <= 1.2x)"));
}

Console.WriteLine(Invariant($"remote/docker: load {Median(load["remote"]) / Median(load["docker"]):0.00}x, ImageUnderTest start->ready {Median(drydock["remote"]) / Median(drydock["docker"]):0.00}x, raw start->ready {Median(raw["remote"]) / Median(raw["docker"]):0.00}x (medians)"));
Console.WriteLine(Invariant($"docker/podman: load {Median(load["docker"]) / Median(load["podman"]):0.00}x, ImageUnderTest start->ready {Median(drydock["docker"]) / Median(drydock["podman"]):0.00}x, raw start->ready {Median(raw["docker"]) / Median(raw["podman"]):0.00}x (medians)"));

// The baseline a user would write: `run` with the same limits, then GET / every 10 ms until any HTTP response.
static async Task<double> RawStartAsync(string engine, string image)
{
    var clock = Stopwatch.StartNew();
    var host = engine == "remote" ? RemoteHost : "127.0.0.1";
    var id = Run(engine, "run", "-d", "--cpus", "1", "--memory", "256m", "--memory-swap", "256m", "--read-only", "--tmpfs", "/tmp", "-p", engine == "remote" ? "8080" : "127.0.0.1::8080", image).Trim();
    var port = int.Parse(Run(engine, "port", id, "8080/tcp").Trim().Split('\n')[0].Split(':')[^1], CultureInfo.InvariantCulture);
    using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
    var deadline = Stopwatch.StartNew();
    while (deadline.Elapsed < TimeSpan.FromSeconds(60))
    {
        try
        {
            using var response = await http.GetAsync(new Uri($"http://{host}:{port}/"));
            break;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            await Task.Delay(10);
        }
    }

    var elapsed = clock.Elapsed.TotalSeconds;
    Run(engine, "rm", "--force", id);
    return elapsed;
}

static string Cli(string engine) => engine == "remote" ? "docker" : engine;

// "remote" is the docker CLI at the remote engine; skopeo and the engines' own names run as they are.
static string Run(string program, params string[] arguments)
{
    var startInfo = new ProcessStartInfo(Cli(program), arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
    startInfo.Environment["DOCKER_HOST"] = program == "remote" ? $"tcp://{RemoteHost}:2375" : null;
    using var process = Process.Start(startInfo)!;
    var output = process.StandardOutput.ReadToEndAsync();
    var error = process.StandardError.ReadToEndAsync();
    if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
    {
        process.Kill(entireProcessTree: true);
        throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish within 5 minutes.");
    }

    return output.Result + (process.ExitCode != 0 && arguments[0] is not "rmi" ? throw new InvalidOperationException($"{program} {string.Join(' ', arguments)}: {error.Result}") : "");
}

static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

static double Min(List<double> values) => values.Min();

static double Median(List<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
}
