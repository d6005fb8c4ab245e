namespace Drydock.Build.Diagnostics;

public sealed class NullBuildLog : IBuildLog
{
    public static readonly NullBuildLog Instance = new();

    public void Detail(string message)
    {
    }

    public void Warning(string code, string message)
    {
    }
}
