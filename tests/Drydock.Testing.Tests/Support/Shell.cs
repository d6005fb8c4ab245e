using System.Diagnostics;
using Drydock.Processes;

namespace Drydock.Testing.Tests.Support;

/// <summary>Runs dotnet, docker and podman for the tests (through Drydock's own bounded runner), or starts a process to signal.</summary>
internal static class Shell
{
    public static ProcessResult Run(string program, IEnumerable<string> arguments, TimeSpan timeout, IReadOnlyDictionary<string, string?>? environment = null) =>
        ProcessRunner.Run(program, arguments, timeout, CancellationToken.None, environment: environment);

    /// <summary>The engine's own CLI (<c>docker</c> or <c>podman</c>; docker at the remote engine for <see cref="TestEngines.Remote"/>), to check what the library did.</summary>
    public static ProcessResult Engine(string engine, params string[] arguments) =>
        Run(TestEngines.Cli(engine), arguments, TimeSpan.FromMinutes(2), TestEngines.Environment(engine));

    /// <summary>Ids of the containers, running or not, with the label io.drydock.run=<paramref name="runId"/>.</summary>
    public static string[] ContainersOfRun(string engine, string runId) =>
        Engine(engine, "ps", "-a", "-q", "--filter", $"label=io.drydock.run={runId}").StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static Process Start(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var startInfo = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                startInfo.Environment.Remove(name);
            }
            else
            {
                startInfo.Environment[name] = value;
            }
        }

        var process = Process.Start(startInfo)!;
        process.StandardInput.Close();
        return process;
    }
}
