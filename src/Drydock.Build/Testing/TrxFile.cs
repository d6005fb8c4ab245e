using System.Globalization;
using System.Xml.Linq;
using Drydock.Build.Diagnostics;

namespace Drydock.Build.Testing;

/// <summary>
/// Reads the results of a <c>dotnet test --logger trx</c> run: counters, failed tests with their
/// messages, and the run's duration. (TRX: the VSTest results format, namespace TeamTest/2010.)
/// </summary>
public static class TrxFile
{
    private static readonly XNamespace Ns = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";

    public static TestRunResult Read(string path, string project)
    {
        XDocument document;
        try
        {
            document = XDocument.Load(path);
        }
        catch (Exception e) when (e is IOException or System.Xml.XmlException or UnauthorizedAccessException)
        {
            throw new DrydockException(KnownCodes.TestResultsMissing,
                $"The test results of {project} could not be read from '{path}' ({e.Message}); the test run probably crashed before writing them: see its output above.");
        }

        var results = document.Descendants(Ns + "UnitTestResult").ToArray();
        var failures = results
            .Where(result => (string?)result.Attribute("outcome") is "Failed" or "Error" or "Timeout" or "Aborted")
            .Select(result => new FailedTest(
                (string?)result.Attribute("testName") ?? "(unnamed test)",
                Lines((string?)result.Descendants(Ns + "Message").FirstOrDefault(), MessageLines)))
            .ToArray();
        var times = document.Root?.Element(Ns + "Times");
        return new TestRunResult
        {
            Project = project,
            Passed = results.Count(result => (string?)result.Attribute("outcome") == "Passed"),
            Failed = failures.Length,
            Skipped = results.Count(result => (string?)result.Attribute("outcome") is "NotExecuted" or "Inconclusive"),
            DurationSeconds = Duration(times),
            Failures = failures,
            Trx = Path.GetFullPath(path),
        };
    }

    /// <summary>When the first test started and the last one ended, by the TRX's <c>UnitTestResult</c> stamps; null without a test.</summary>
    public static (DateTimeOffset First, DateTimeOffset Last)? TestSpan(string path)
    {
        var results = XDocument.Load(path).Descendants(Ns + "UnitTestResult")
            .Select(result => (Start: Stamp(result, "startTime"), End: Stamp(result, "endTime")))
            .Where(times => times.Start is not null && times.End is not null)
            .ToArray();
        return results.Length == 0 ? null : (results.Min(times => times.Start!.Value), results.Max(times => times.End!.Value));
    }

    private static DateTimeOffset? Stamp(XElement element, string name) =>
        DateTimeOffset.TryParse((string?)element.Attribute(name), CultureInfo.InvariantCulture, DateTimeStyles.None, out var value) ? value : null;

    /// <summary>Enough of a failure message for the container's exit code, OOMKilled and last log lines.</summary>
    private const int MessageLines = 25;

    private static string Lines(string? text, int count) =>
        string.Join('\n', (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.TrimEnd()).Take(count));

    private static double Duration(XElement? times)
    {
        var start = (string?)times?.Attribute("start");
        var finish = (string?)times?.Attribute("finish");
        return start is null || finish is null
            ? 0
            : Math.Round((DateTimeOffset.Parse(finish, CultureInfo.InvariantCulture) - DateTimeOffset.Parse(start, CultureInfo.InvariantCulture)).TotalSeconds, 3);
    }
}
