using System.Text.RegularExpressions;
using Drydock.Build.Diagnostics;
using Drydock.Build.Tasks;
using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Diagnostics;

/// <summary>
/// What a user reads when a task fails: one line per problem, the code printed once (by the task base),
/// never a stack trace. Each task runs in-process against a recording build engine.
/// </summary>
public sealed partial class TaskOutput
{
    [Fact]
    public void InvalidTag_OneErrorWithItsCodeOnce()
    {
        using var repository = TempGitRepository.Init();
        repository.WriteFile("a.txt", "a");
        repository.Commit("first");
        var engine = new RecordingBuildEngine();

        var ok = new ComputeImageMetadata { BuildEngine = engine, ProjectDirectory = repository.Path, Repository = "shop/api", Tags = "feature/x" }.Execute();

        Assert.False(ok);
        var error = Assert.Single(engine.Errors);
        Assert.Equal(KnownCodes.InvalidTag, error.Code);
        Assert.StartsWith("ContainerImageTags contains 'feature/x'", error.Message, StringComparison.Ordinal);
        AssertCodesPrintedOnce(engine);
    }

    [Fact]
    public void NoRepositoryNoEpoch_OneMessageNotTwoJoined()
    {
        using var folder = new TempDirectory();
        var engine = new RecordingBuildEngine();

        var ok = new ComputeImageMetadata { BuildEngine = engine, ProjectDirectory = Path.Combine(folder.Path, "missing"), Repository = "shop/api", DefaultVersion = "1.0.0" }.Execute();

        Assert.False(ok);
        var error = Assert.Single(engine.Errors);
        Assert.Equal(KnownCodes.NoRepository, error.Code);
        Assert.DoesNotMatch(CodeInText(), error.Message);
        Assert.StartsWith("No git repository at ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("no git repository was found", error.Message, StringComparison.Ordinal);
        AssertCodesPrintedOnce(engine);
    }

    [Fact]
    public void UnexpectedException_DRY2099WithoutStackTrace()
    {
        var engine = new RecordingBuildEngine();

        // Results are written by TestImage, never by a user: a hand-made item that is not JSON is an input no code was made for.
        var ok = new CheckImageTests
        {
            BuildEngine = engine,
            ImageDigest = "sha256:" + new string('a', 64),
            Results = [new Microsoft.Build.Utilities.TaskItem("tests.csproj", new Dictionary<string, string> { ["Result"] = "not json" })],
        }.Execute();

        Assert.False(ok);
        var error = Assert.Single(engine.Errors);
        Assert.Equal(KnownCodes.UnexpectedFailure, error.Code);
        Assert.Contains("JsonException", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(engine.Errors.Concat<object>(engine.Warnings), e => e.ToString()!.Contains("   at ", StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", error.Message, StringComparison.Ordinal);
        Assert.Contains(engine.Messages, m => m.Importance == Microsoft.Build.Framework.MessageImportance.Low && m.Message!.Contains("   at ", StringComparison.Ordinal));
        AssertCodesPrintedOnce(engine);
    }

    [Fact]
    public void CreatedNotATime_DRY2011()
    {
        using var folder = new TempDirectory();
        var engine = new RecordingBuildEngine();

        var ok = new NormalizeImage
        {
            BuildEngine = engine,
            SdkArchive = Path.Combine(folder.Path, "sdk.tar.gz"),
            Archive = Path.Combine(folder.Path, "image.tar"),
            Created = "not a time",
            Registry = "localhost:5000",
            Repository = "shop/api",
            Tags = "1.0.0",
        }.Execute();

        Assert.False(ok);
        var error = Assert.Single(engine.Errors);
        Assert.Equal(KnownCodes.InvalidCreated, error.Code);
        Assert.StartsWith("DrydockCreated is 'not a time', not a time from 1970 to 2242", error.Message, StringComparison.Ordinal);
        AssertCodesPrintedOnce(engine);
    }

    [Fact]
    public void UnexpectedMessage_NamesTheTypeAndHidesCredentials()
    {
        var message = DrydockTask.UnexpectedMessage("PushImage", new InvalidOperationException("GET https://user:s3cret@storage.example/blob?X-Amz-Signature=abc123 failed\nagain"));

        Assert.StartsWith("Drydock's PushImage task failed unexpectedly (InvalidOperationException: ", message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", message, StringComparison.Ordinal);
        Assert.DoesNotContain("abc123", message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', message);
    }

    /// <summary>No output line shows a code twice (<c>error DRY2002: DRY2002: …</c>).</summary>
    internal static void AssertCodesPrintedOnce(RecordingBuildEngine engine) =>
        Assert.DoesNotContain(engine.Lines, line => DoubleCode().IsMatch(line));

    [GeneratedRegex(@"DRY\d{4}: DRY\d{4}")]
    private static partial Regex DoubleCode();

    [GeneratedRegex(@"\bDRY\d{4}\b")]
    private static partial Regex CodeInText();
}
