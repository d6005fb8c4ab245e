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

    /// <summary>
    /// The project the diagnostics point at (<c>$(MSBuildProjectFullPath)</c>), so an IDE's error list opens the
    /// user's project rather than Drydock's targets in the package cache. Empty: the file that calls the task.
    /// </summary>
    public string? ProjectFile { get; set; }

    protected string DiagnosticFile => string.IsNullOrEmpty(ProjectFile) ? BuildEngine.ProjectFileOfTaskNode : ProjectFile;

    public void Cancel() => _cancellation.Cancel();

    /// <summary>
    /// Whether MSBuild will log the warning <paramref name="code"/> as an error in this project (<c>WarningsAsErrors</c>,
    /// or <c>TreatWarningsAsErrors</c> through Drydock.Sdk.targets), so a step can stop before it acts rather than fail after.
    /// </summary>
    protected bool WarningIsError(string code) => BuildEngine is IBuildEngine8 engine && engine.ShouldTreatWarningAsError(code);

    public sealed override bool Execute()
    {
        try
        {
            Execute(new TaskBuildLog(Log, DiagnosticFile), _cancellation.Token);
        }
        catch (DrydockException e)
        {
            Log.LogError(null, e.Code, null, KnownCodes.HelpLink(e.Code), DiagnosticFile, 0, 0, 0, 0, e.Message);
        }
        catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
        {
            SayCancelled(null);
            return false;
        }
#pragma warning disable CA1031 // The one place that keeps a bug's stack trace out of the user's build output.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.LogMessage(MessageImportance.Low, "Drydock: {0} failed unexpectedly: {1}", GetType().Name, e);
            Log.LogError(null, KnownCodes.UnexpectedFailure, null, KnownCodes.HelpLink(KnownCodes.UnexpectedFailure), DiagnosticFile, 0, 0, 0, 0, UnexpectedMessage(GetType().Name, e));
        }

        return !Log.HasLoggedErrors;
    }

    protected abstract void Execute(IBuildLog log, CancellationToken cancellationToken);

    /// <summary>
    /// The build's one "cancelled" line, a plain high-importance message: a stop the user or the CI asked for is not a
    /// fault to mend, so no code; the exit code and the report's <c>cancelled: true</c> carry it for machines. Said
    /// once per build (a registered task object, build lifetime): on SIGINT both the signal (<paramref name="signal"/>,
    /// from <see cref="Testing.StopSignals"/>) and MSBuild's own cancellation of the task arrive.
    /// </summary>
    protected void SayCancelled(string? signal)
    {
        lock (CancelledLock)
        {
            if (BuildEngine4.GetRegisteredTaskObject(CancelledKey, RegisteredTaskObjectLifetime.Build) is not null)
            {
                return;
            }

            BuildEngine4.RegisterTaskObject(CancelledKey, CancelledKey, RegisteredTaskObjectLifetime.Build, allowEarlyCollection: false);
        }

        Log.LogMessage(MessageImportance.High, signal is null
            ? "Drydock: cancelled."
            : $"Drydock: cancelled ({signal}): the image tests stop and their containers are removed; nothing is pushed.");
    }

    private const string CancelledKey = "Drydock.Build.Cancelled";

    private static readonly object CancelledLock = new();

    /// <summary>
    /// One line naming the task and the exception's type; its text is quoted (it may hold anything) and scrubbed of
    /// what could be a credential (user info and queries of URLs: a signed storage URL carries its signature there).
    /// </summary>
    internal static string UnexpectedMessage(string task, Exception e) =>
        $"Drydock's {task} task failed unexpectedly ({e.GetType().Name}: {MessageText.Quote(Git.RemoteUrl.Scrub(e.Message))}). This is a bug in Drydock: report it with the output of a -v:d build, which holds the stack trace.";

    private sealed class TaskBuildLog(TaskLoggingHelper log, string projectFile) : IBuildLog
    {
        public void Detail(string message) => log.LogMessage(MessageImportance.Low, message);

        public void Note(string message) => log.LogMessage(MessageImportance.Normal, message);

        public void Warning(string code, string message) =>
            log.LogWarning(null, code, null, KnownCodes.HelpLink(code), projectFile, 0, 0, 0, 0, message);
    }
}
