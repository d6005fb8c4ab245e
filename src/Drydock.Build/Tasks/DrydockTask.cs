using Drydock.Build.Diagnostics;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Drydock.Build.Tasks;

/// <summary>
/// The one base of Drydock's tasks: runs the plain code, turns its <see cref="DrydockException"/>s
/// into coded MSBuild errors with a help link (never a stack trace), and honours Ctrl+C. The code is
/// printed here, once: a message never starts with it. Any other exception is a Drydock bug; it
/// becomes <see cref="KnownCodes.UnexpectedFailure"/> with the stack trace at low importance only.
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
#pragma warning disable CA1031 // The one place that keeps a bug's stack trace out of the user's build output.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.LogMessage(MessageImportance.Low, "Drydock: {0} failed unexpectedly: {1}", GetType().Name, e);
            Log.LogError(null, KnownCodes.UnexpectedFailure, null, KnownCodes.HelpLink(KnownCodes.UnexpectedFailure), BuildEngine.ProjectFileOfTaskNode, 0, 0, 0, 0, UnexpectedMessage(GetType().Name, e));
        }

        return !Log.HasLoggedErrors;
    }

    protected abstract void Execute(IBuildLog log, CancellationToken cancellationToken);

    /// <summary>
    /// One line naming the task and the exception's type; its text is quoted (it may hold anything) and scrubbed of
    /// what could be a credential (user info and queries of URLs: a signed storage URL carries its signature there).
    /// </summary>
    internal static string UnexpectedMessage(string task, Exception e) =>
        $"Drydock's {task} task failed unexpectedly ({e.GetType().Name}: {MessageText.Quote(Git.RemoteUrl.Scrub(e.Message))}). This is a bug in Drydock: report it with the output of a -v:d build, which holds the stack trace.";

    private sealed class TaskBuildLog(TaskLoggingHelper log, string projectFile) : IBuildLog
    {
        public void Detail(string message) => log.LogMessage(MessageImportance.Low, message);

        public void Warning(string code, string message) =>
            log.LogWarning(null, code, null, KnownCodes.HelpLink(code), projectFile, 0, 0, 0, 0, message);
    }
}
