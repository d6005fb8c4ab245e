using Drydock.Build.Diagnostics;

namespace Drydock.Build.Tests;

internal sealed class RecordingLog : IBuildLog
{
    public List<string> Details { get; } = [];

    public List<(string Code, string Message)> Warnings { get; } = [];

    public void Detail(string message) => Details.Add(message);

    public void Warning(string code, string message) => Warnings.Add((code, message));
}
