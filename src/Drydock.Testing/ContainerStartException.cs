namespace Drydock.Testing;

/// <summary>
/// The container exited, was OOM-killed, or did not become ready in time. The container has been removed;
/// its exit code, OOM state and last log lines are kept here and in the message.
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

    internal ContainerStartException(string code, string image, string containerId, string reason, ContainerState state, string logs)
        : base(Describe(code, image, containerId, reason, state, logs))
    {
        Code = code;
        Image = image;
        ContainerId = containerId;
        ExitCode = state.Running ? null : state.ExitCode;
        OomKilled = state.OomKilled;
        Logs = logs;
    }

    /// <summary><c>DRY5101</c> (exited before ready) or <c>DRY5102</c> (not ready in time).</summary>
    public string Code { get; } = "";

    public string Image { get; } = "";

    public string ContainerId { get; } = "";

    /// <summary>Null when the container was still running (a readiness timeout).</summary>
    public int? ExitCode { get; }

    public bool OomKilled { get; }

    /// <summary>The container's last log lines, standard output and error.</summary>
    public string Logs { get; } = "";

    private static string Describe(string code, string image, string containerId, string reason, ContainerState state, string logs)
    {
        var exitCode = state.Running ? "none (still running)" : state.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var tail = string.IsNullOrWhiteSpace(logs) ? "  (no output)" : string.Join('\n', logs.TrimEnd().Split('\n').Select(line => "  " + line));
        return $"{code}: {reason}\n" +
            $"Image: {image}\nContainer: {containerId[..Math.Min(12, containerId.Length)]}\n" +
            $"Exit code: {exitCode}\nOOMKilled: {(state.OomKilled ? "true" : "false")}\n" +
            $"Last log lines:\n{tail}";
    }
}
