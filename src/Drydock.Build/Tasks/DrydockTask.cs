using Drydock.Build.Diagnostics;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Drydock.Build.Tasks;

/// <summary>
/// The one base of Drydock's tasks: runs the plain code, turns its <see cref="DrydockException"/>s
/// into coded MSBuild errors with a help link (never a stack trace), and honours Ctrl+C.
/// </summary>
// MSBuild never disposes tasks; a CancellationTokenSource without a timer holds nothing to release.
#pragma warning disable CA1001
public abstract class DrydockTask : Microsoft.Build.Utilities.Task, ICancelableTask
#pragma warning restore CA1001
{
    private readonly CancellationTokenSource _cancellation = new();

    public void Cancel() => _cancellation.Cancel();

    public sealed override bool Execute()
    {
        try
        {
            Execute(new TaskBuildLog(Log, BuildEngine.ProjectFileOfTaskNode), _cancellation.Token);
        }
        catch (DrydockException e)
        {
            Log.LogError(null, e.Code, null, KnownCodes.HelpLink(e.Code), BuildEngine.ProjectFileOfTaskNode, 0, 0, 0, 0, e.Message);
        }
        catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
        {
            Log.LogMessage(MessageImportance.High, "Drydock: cancelled.");
            return false;
        }

        return !Log.HasLoggedErrors;
    }

    protected abstract void Execute(IBuildLog log, CancellationToken cancellationToken);

    private sealed class TaskBuildLog(TaskLoggingHelper log, string projectFile) : IBuildLog
    {
        public void Detail(string message) => log.LogMessage(MessageImportance.Low, message);

        public void Warning(string code, string message) =>
            log.LogWarning(null, code, null, KnownCodes.HelpLink(code), projectFile, 0, 0, 0, 0, message);
    }
}
