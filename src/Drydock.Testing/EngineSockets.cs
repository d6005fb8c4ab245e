using System.Reflection;

using Drydock.Runtime;

namespace Drydock.Testing;

/// <summary>
/// The engine's own view of a container's sockets, for when this machine cannot read them from <c>/proc</c>
/// (a remote engine: its containers' processes are not this machine's). A helper container of the same image
/// joins the app container's network namespace (<c>--network container:&lt;id&gt;</c>) and runs the socket probe
/// (src/Drydock.Testing.Probe, embedded here) with the image's own <c>dotnet</c>; the probe prints that
/// namespace's <c>/proc/net/tcp{,6}</c>. Shell-free: the probe goes in through the engine's archive API
/// (<c>cp</c> into the created helper), so chiseled images work. Neither engine's archive API can read
/// <c>/proc</c> itself (Docker 20.10 reads the image's root, not the container's mounts; podman's gives empty
/// files), hence the helper. Only for images whose entrypoint is <c>dotnet</c> (framework-dependent apps on
/// .NET 10 or later); for others the sockets stay unknown. Used for DRY5102's message, not for readiness.
/// </summary>
internal static class EngineSockets
{
    private const string ProbeResource = "Drydock.Testing.Probe.dll";
    private const string ProbeFolder = "/drydock-socket-probe";
    private static readonly TimeSpan ProbeBound = TimeSpan.FromSeconds(30);

    // The probe is built against .NET 10 and runs on any later runtime the image carries.
    private const string RuntimeConfig = """{"runtimeOptions":{"tfm":"net10.0","rollForward":"LatestMajor","framework":{"name":"Microsoft.NETCore.App","version":"10.0.0"}}}""";

    /// <summary>
    /// The listening sockets of the container <paramref name="containerId"/>'s network namespace, read by a helper of
    /// <paramref name="image"/> that carries <paramref name="labels"/> (the run's, so sweeps know it) and is removed
    /// again; null, with why in <c>UnknownBecause</c>, when the image has no <c>dotnet</c> entrypoint or the engine failed.
    /// </summary>
    public static async Task<(IReadOnlyList<ListeningSocket>? Sockets, string UnknownBecause)> ReadAsync(
        ContainerEngine engine, string containerId, string image, IReadOnlyList<string> labels, CancellationToken cancellationToken)
    {
        string? helper = null;
        var folder = Directory.CreateTempSubdirectory("drydock-probe-");
        try
        {
            var entrypoint = await engine.EntrypointAsync(image, cancellationToken).ConfigureAwait(false);
            if (entrypoint is not [var dotnet, ..] || !(dotnet == "dotnet" || dotnet.EndsWith("/dotnet", StringComparison.Ordinal)))
            {
                return (null, "the image's entrypoint is not dotnet, which the engine-side socket probe runs with");
            }

            WriteProbe(folder.FullName);
            helper = await engine.CreateAsync(
                [.. labels, "--network", $"container:{containerId}", "--entrypoint", dotnet, "--memory", "128m", "--cpus", "1"],
                image, [$"{ProbeFolder}/probe.dll"], cancellationToken).ConfigureAwait(false);
            ExitCleanup.Track(engine, helper);
            await engine.CopyIntoAsync(folder.FullName, helper, ProbeFolder, cancellationToken).ConfigureAwait(false);
            var tables = await engine.StartAttachedAsync(helper, ProbeBound, cancellationToken).ConfigureAwait(false);
            return ([.. ContainerProcess.Parse(tables.Split('\n'))], "");
        }
        catch (ContainerEngineException e)
        {
            // Without the engine's code (DRY5105): the message is DRY5102's, and a code is printed once.
            var reason = engine.FailureCode is { } code && e.Message.StartsWith(code + ": ", StringComparison.Ordinal) ? e.Message[(code.Length + 2)..] : e.Message;
            return (null, $"the engine-side socket probe failed ({reason})");
        }
        finally
        {
            if (helper is not null)
            {
                // Before the app container: podman refuses to remove a container another one joined.
                await engine.RemoveAsync([helper], CancellationToken.None).ConfigureAwait(false);
                ExitCleanup.Untrack(helper);
            }

            folder.Delete(recursive: true);
        }
    }

    private static void WriteProbe(string folder)
    {
        // Readable by the image's user, whoever it is: cp keeps the modes, and the temp folder is 0700.
        const UnixFileMode Readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        using (var probe = Assembly.GetExecutingAssembly().GetManifestResourceStream(ProbeResource)
            ?? throw new InvalidOperationException($"Drydock.Testing lacks its embedded {ProbeResource}."))
        using (var file = File.Create(Path.Join(folder, "probe.dll")))
        {
            probe.CopyTo(file);
        }

        File.WriteAllText(Path.Join(folder, "probe.runtimeconfig.json"), RuntimeConfig);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path.Join(folder, "probe.dll"), Readable);
            File.SetUnixFileMode(Path.Join(folder, "probe.runtimeconfig.json"), Readable);
            File.SetUnixFileMode(folder, Readable | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }
    }
}
