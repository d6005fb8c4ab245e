using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Drydock.Processes;

internal sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The first non-empty line of standard error, for one-line diagnostics.</summary>
    public string FirstErrorLine =>
        StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
}

/// <summary>
/// Compiled into Drydock.Build and Drydock.Testing (linked source: neither references the other).
/// Runs a command line tool (git, podman, docker) with a bound: the process tree is killed when the
/// timeout passes or the build is cancelled, so no Drydock step can hang a build. Standard input is
/// closed (after the optional input is written), so nothing can wait for a person.
/// </summary>
internal static class ProcessRunner
{
    /// <summary>
    /// Runs <c>program</c> with <c>arguments</c> and waits for it. <c>environment</c> is laid over this
    /// process's environment (a null value removes a variable), and the program is looked up on the
    /// resulting PATH. <c>standardInput</c>, when given, is written to the program (UTF-8, no BOM) before its
    /// input is closed; tools such as docker credential helpers read their request there.
    /// </summary>
    /// <exception cref="FileNotFoundException">The program is not on PATH or could not be started.</exception>
    /// <exception cref="TimeoutException">The program did not finish within the timeout.</exception>
    public static ProcessResult Run(
        string program,
        IEnumerable<string> arguments,
        TimeSpan timeout,
        CancellationToken cancellationToken,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? standardInput = null) =>
        RunAsync(program, arguments, timeout, cancellationToken, workingDirectory, environment, standardInput).GetAwaiter().GetResult();

    /// <inheritdoc cref="Run"/>
    public static async Task<ProcessResult> RunAsync(
        string program,
        IEnumerable<string> arguments,
        TimeSpan timeout,
        CancellationToken cancellationToken,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? standardInput = null)
    {
        var startInfo = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            StandardInputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
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

        // Process.Start would search this process's PATH; the child's PATH is the one that counts.
        startInfo.FileName = FindOnPath(program, startInfo.Environment.TryGetValue("PATH", out var path) ? path : null)
            ?? throw new FileNotFoundException($"'{program}' is not on PATH.", program);

        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new FileNotFoundException($"'{startInfo.FileName}' could not be started ({e.Message}).", program, e);
        }

        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);

        // Written while the exit is awaited, so a program that never reads its input still meets the deadline.
        var input = WriteInputAsync(process.StandardInput, standardInput);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"'{program} {string.Join(' ', startInfo.ArgumentList)}' did not finish within {timeout.TotalSeconds:0} s.");
        }

        await input.ConfigureAwait(false);
        return new ProcessResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }

    private static async Task WriteInputAsync(StreamWriter writer, string? text)
    {
        try
        {
            if (text is not null)
            {
                await writer.WriteAsync(text.AsMemory(), CancellationToken.None).ConfigureAwait(false);
                await writer.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            }

            writer.Close();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The program exited (or was killed) without reading all of its input: its exit code and output say
            // what happened. Closing again releases the pipe; the unwritten rest can fail the same way.
            try
            {
                writer.Close();
            }
            catch (IOException)
            {
            }
        }
    }

    internal static string? FindOnPath(string program, string? path)
    {
        if (Path.IsPathRooted(program) || program.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            return program;
        }

        var names = OperatingSystem.IsWindows() ? [program + ".exe", program] : new[] { program };
        foreach (var directory in (path ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in names)
            {
                // Windows PATH entries may be quoted.
                var candidate = Path.Combine(directory.Trim('"'), name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private static void Kill(Process process)
    {
        try
        {
            // Tools start children (git an fsmonitor, podman conmon); leave none behind.
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        catch (InvalidOperationException)
        {
            // It exited meanwhile.
        }
    }
}
