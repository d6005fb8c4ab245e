using Drydock.Build.Diagnostics;

namespace Drydock.Build.Tests.Support;

/// <summary>Keeps what plain code logged, so tests can assert on it.</summary>
internal sealed class ListBuildLog : IBuildLog
{
    public List<string> Details { get; } = [];

    public List<(string Code, string Message)> Warnings { get; } = [];

    /// <summary>Every line logged, details and warnings, for "never appears anywhere" assertions.</summary>
    public IEnumerable<string> All => Details.Concat(Warnings.Select(warning => $"{warning.Code}: {warning.Message}"));

    public void Detail(string message) => Details.Add(message);

    public void Warning(string code, string message) => Warnings.Add((code, message));
}
