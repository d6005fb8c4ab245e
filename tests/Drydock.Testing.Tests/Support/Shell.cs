using System.Diagnostics;

namespace Drydock.Testing.Tests.Support;

public sealed record ShellResult(int ExitCode, string Output, string Error)
{
    public bool Succeeded => ExitCode == 0;
}

/// <summary>Runs dotnet and podman for the tests, with a bound and extra environment variables.</summary>
public static class Shell
{
    public static ShellResult Run(string program, IEnumerable<string> arguments, TimeSpan timeout, IReadOnlyDictionary<string, string?>? environment = null)
    {
        using var process = Start(program, arguments, environment);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish within {timeout}.");
        }

        return new ShellResult(process.ExitCode, output.Result, error.Result);
    }

    public static ShellResult Podman(params string[] arguments) =>
        Run("podman", arguments, TimeSpan.FromMinutes(2));

    /// <summary>Ids of the containers, running or not, with the label io.drydock.run=<paramref name="runId"/>.</summary>
    public static string[] ContainersOfRun(string runId) =>
        Podman("ps", "-a", "-q", "--filter", $"label=io.drydock.run={runId}").Output
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
