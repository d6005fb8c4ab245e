namespace Drydock.Build.Diagnostics;

/// <summary>
/// What plain code needs to say while it works: resolved inputs and outputs at low importance
/// (so <c>-v:d</c> explains every decision) and coded warnings. Tasks adapt it to MSBuild's logger.
/// </summary>
public interface IBuildLog
{
    void Detail(string message);

    /// <summary>A message a normal-verbosity build shows (what a step saved or cost); <see cref="Detail"/> where none is shown.</summary>
    void Note(string message) => Detail(message);

    void Warning(string code, string message);
}
