namespace Drydock.Testing;

/// <summary>
/// The container exited, was OOM-killed, or did not become ready in time (or, from
/// <see cref="ImageUnderTest.RunToExitAsync"/>, outlived its run timeout). The container has been removed;
/// its exit code, OOM state and the first and last lines of its log are kept here and in the message, and
/// the whole log in <see cref="LogFile"/> when the options name a results folder.
/// </summary>
public sealed class ContainerStartException : Exception
{
    public ContainerStartException()
    {
    }

    public ContainerStartException(string message)
        : base(message)
    {
    }

    public ContainerStartException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal ContainerStartException(string code, string image, string containerId, string reason, ContainerState state, string logs, string? logFile = null)
        : base(Describe(code, image, containerId, reason, state, logs, logFile))
    {
        LogFile = logFile;
        Code = code;
        Image = image;
        ContainerId = containerId;
        ExitCode = state.Running ? null : state.ExitCode;
        OomKilled = state.OomKilled;
        Logs = logs;
    }

    /// <summary><c>DRY5101</c> (exited before ready), <c>DRY5102</c> (not ready in time) or <c>DRY5106</c> (a run outlived its timeout).</summary>
    public string Code { get; } = "";

    public string Image { get; } = "";

    public string ContainerId { get; } = "";

    /// <summary>Null when the container was still running (a readiness timeout).</summary>
    public int? ExitCode { get; }

    public bool OomKilled { get; }

    /// <summary>
    /// The container's log, standard output and error in the order written: all of it up to
    /// <see cref="LogExcerpt.Head"/> + <see cref="LogExcerpt.Tail"/> lines, else the first and the last lines
    /// around a <c>… N lines …</c> marker (the cause of a crash is usually printed first, the stack after it).
    /// </summary>
    public string Logs { get; } = "";

    /// <summary>The whole log, written to the options' results folder (<c>DRYDOCK_RESULTS_DIRECTORY</c>); null when none was set.</summary>
    public string? LogFile { get; }

    private static string Describe(string code, string image, string containerId, string reason, ContainerState state, string logs, string? logFile)
    {
        var exitCode = state.Running ? "none (still running)" : state.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var lines = string.IsNullOrWhiteSpace(logs) ? "  (no output)" : string.Join('\n', logs.TrimEnd().Split('\n').Select(line => "  " + line));
        return $"{code}: {reason}\n" +
            $"Image: {image}\nContainer: {containerId[..Math.Min(12, containerId.Length)]}\n" +
            $"Exit code: {exitCode}\nOOMKilled: {(state.OomKilled ? "true" : "false")}\n" +
            (logFile is null ? "" : $"Whole log: {logFile}\n") +
            $"Log:\n{lines}";
    }
}
