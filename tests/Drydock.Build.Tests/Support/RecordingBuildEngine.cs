using System.Collections;
using Microsoft.Build.Framework;

namespace Drydock.Build.Tests.Support;

/// <summary>
/// The build engine a task talks to, keeping every event. <see cref="Lines"/> renders errors and warnings
/// as MSBuild's console logger does (<c>file : error CODE: message</c>), so tests assert on what a user reads.
/// </summary>
internal sealed class RecordingBuildEngine : IBuildEngine
{
    public List<BuildErrorEventArgs> Errors { get; } = [];

    public List<BuildWarningEventArgs> Warnings { get; } = [];

    public List<BuildMessageEventArgs> Messages { get; } = [];

    public IEnumerable<string> Lines =>
        Errors.Select(e => $"{e.File} : error {e.Code}: {e.Message}")
            .Concat(Warnings.Select(w => $"{w.File} : warning {w.Code}: {w.Message}"))
            .Concat(Messages.Select(m => m.Message ?? ""))
            .SelectMany(text => text.Split('\n'));

    public bool ContinueOnError => false;

    public int LineNumberOfTaskNode => 0;

    public int ColumnNumberOfTaskNode => 0;

    public string ProjectFileOfTaskNode => "/src/app/app.csproj";

    public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs) => false;

    public void LogCustomEvent(CustomBuildEventArgs e)
    {
    }

    public void LogErrorEvent(BuildErrorEventArgs e) => Errors.Add(e);

    public void LogMessageEvent(BuildMessageEventArgs e) => Messages.Add(e);

    public void LogWarningEvent(BuildWarningEventArgs e) => Warnings.Add(e);
}
