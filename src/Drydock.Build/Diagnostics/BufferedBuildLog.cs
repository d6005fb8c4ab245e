namespace Drydock.Build.Diagnostics;

/// <summary>
/// Holds what one of several parallel pieces of work logs, to pass it on in a fixed order afterwards:
/// the log reads the same whichever piece finished first, and MSBuild's logger is called from one thread.
/// </summary>
internal sealed class BufferedBuildLog : IBuildLog
{
    private readonly List<(string? Code, string Message)> entries = [];

    public void Detail(string message) => entries.Add((null, message));

    public void Warning(string code, string message) => entries.Add((code, message));

    public void ReplayTo(IBuildLog log)
    {
        foreach (var (code, message) in entries)
        {
            if (code is null)
            {
                log.Detail(message);
            }
            else
            {
                log.Warning(code, message);
            }
        }
    }
}
