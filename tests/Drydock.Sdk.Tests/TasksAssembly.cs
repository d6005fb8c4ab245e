using System.Reflection.PortableExecutable;
using Drydock.Sdk.Tests.Support;

namespace Drydock.Sdk.Tests;

/// <summary>
/// The package carries the tasks compiled ReadyToRun for a few RIDs and IL for the rest; a project gets the
/// ReadyToRun copy for the SDK's own RID, and the IL one on any other platform.
/// </summary>
public sealed class TasksAssembly : IDisposable
{
    private readonly TestProject _project = TestProject.Create("tasks", sdk: "Microsoft.NET.Sdk");

    [Fact]
    public void The_SDKs_own_RID_gets_the_ReadyToRun_tasks()
    {
        var sdkRid = Property("NETCoreSdkRuntimeIdentifier");
        var tasks = Property("DrydockTasksAssembly");

        Assert.EndsWith($"/tasks/net10.0/{sdkRid}/Drydock.Build.dll", tasks.Replace('\\', '/'), StringComparison.Ordinal);
        Assert.True(IsReadyToRun(tasks), $"{tasks} has no ReadyToRun code");
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(tasks)!, "NuGet.Versioning.dll")), "NuGet.Versioning.dll is not beside the tasks");
    }

    [Fact]
    public void Another_RID_gets_the_IL_tasks_and_publishes()
    {
        // An SDK built for a RID the package has no ReadyToRun tasks for (no apphost: there is no freebsd-x64 one to restore).
        string[] elsewhere = ["-p:NETCoreSdkRuntimeIdentifier=freebsd-x64", "-p:UseAppHost=false"];
        var tasks = Property("DrydockTasksAssembly", elsewhere);

        Assert.EndsWith("/tasks/net10.0/Drydock.Build.dll", tasks.Replace('\\', '/'), StringComparison.Ordinal);
        Assert.False(IsReadyToRun(tasks), $"{tasks} has ReadyToRun code");

        var publish = _project.Publish([.. elsewhere, "-p:DrydockLoadImage=false", "-p:InvariantGlobalization=true", "-v:d"]);
        Assert.True(publish.Succeeded, publish.StandardOutput);
        Assert.Contains($"task from assembly \"{tasks}\"", publish.StandardOutput, StringComparison.Ordinal);
        Assert.True(File.Exists(_project.ArchivePath));
    }

    private string Property(string name, params string[] arguments)
    {
        var restore = _project.DotNet("restore");
        Assert.True(restore.Succeeded, restore.StandardOutput);
        var result = _project.DotNet(["msbuild", "-nologo", $"-getProperty:{name}", .. arguments]);
        Assert.True(result.Succeeded, result.StandardOutput + result.StandardError);
        return result.StandardOutput.Trim();
    }

    private static bool IsReadyToRun(string assembly)
    {
        using var pe = new PEReader(File.OpenRead(assembly));
        return pe.PEHeaders.CorHeader?.ManagedNativeHeaderDirectory.Size > 0;
    }

    public void Dispose() => _project.Dispose();
}
