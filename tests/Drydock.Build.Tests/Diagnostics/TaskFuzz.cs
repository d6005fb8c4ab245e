using CsCheck;
using Drydock.Build.Diagnostics;
using Drydock.Build.Tasks;
using Drydock.Build.Tests.Oci;
using Drydock.Build.Tests.Support;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Drydock.Build.Tests.Diagnostics;

/// <summary>
/// Every task whose strings come from user properties, run whole against a recording build engine on random
/// strings: the outcome is success or errors that each carry a known code other than DRY2099, printed once.
/// Archive inputs are a real small archive (<see cref="SdkArchiveFixture"/>) or a missing path. No engine or
/// registry is reached: where a task would call one, the inputs fail validation first (said at each test).
/// </summary>
public sealed class TaskFuzz : IDisposable
{
    // The parsers' characters, numbers out of range, whitespace, control characters, unicode, and a huge string.
    internal static readonly Gen<string?> Value = Gen.OneOf(
        InputFuzz.Text,
        Gen.Char["0123456789.+-_/:@;,*?[]{}%$()\\ \t\r\n\0\u0001\u00e9\u4e2d\ud83d\ude00"].Array[0, 24].Select(chars => (string?)new string(chars)),
        Gen.OneOf<string?>("-0", "0", "-9223372036854775809", "99999999999999999999999", "1e9", "NaN", "∞", "2026-11-29T10:00:00Z", "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z", "1970-01-01T00:00:00+14:00", "200MB", "200MiB", "-1MB", "1.5GB", "90s", "30m", "-5m", "0s", "99999999m", "8080", "65536", "0",
            "/health", "http://x", "^(", "DRY4001", "error", "none", "Docker", "podman", "OCI", "Docker", "linux-x64;linux-arm64", "linux-x64;;win-x64", "net10.0",
            "registry.example:443/a", "a@sha256:0", "::::", "////", "@@@", new string('a', 70_000), new string(':', 5000)));

    private readonly TempDirectory _folder = new();

    private readonly string _archive;

    // Labelled as built from a dirty tree: PushImage refuses it (DRY6011) before it looks up a credential or connects.
    private readonly string _dirtyArchive;

    public TaskFuzz()
    {
        _archive = new SdkArchiveFixture { ExposedPorts = ["8080/tcp"] }.Write(Path.Combine(_folder.Path, "sdk.tar"));
        _dirtyArchive = new SdkArchiveFixture { Labels = new Dictionary<string, string> { ["io.drydock.git.dirty"] = "true" } }.Write(Path.Combine(_folder.Path, "dirty.tar"));
    }

    private string Missing => Path.Combine(_folder.Path, "missing", "image.tar");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void NormalizeImage_AnyStrings_SuccessOrCodedErrors()
    {
        var run = 0;
        var normalized = 0;
        // Half the runs get a valid time, so the names, annotations and layer globs are read too (a bad time stops the task first).
        Gen.Select(Value.Array[6, 6], Gen.Bool, Gen.Bool, Gen.Bool).Sample((values, real, layering, validTime) =>
        {
            var output = Path.Combine(_folder.Path, $"normalized-{run++}.tar");
            normalized += Run(new NormalizeImage
            {
                SdkArchive = real ? _archive : Missing,
                Archive = output,
                Created = validTime ? "2024-05-01T12:00:00Z" : values[0] ?? "",
                Registry = values[1],
                Repository = values[2] ?? "",
                Tags = values[3] ?? "",
                Layering = layering,
                Layers = [Item(values[4], "Files", values[5])],
                Annotations = [Item(values[5], "Value", values[4])],
                Labels = [Item(values[4], "Value", values[0])],
                Environment = [Item(values[3], "Value", values[1])],
            }) ? 1 : 0;
            File.Delete(output);
        }, iter: 150, threads: 1);
        Assert.True(normalized > 0, "no run got as far as a normalized archive");
    }

    [Fact]
    public void LintImage_AnyStrings_SuccessOrCodedErrors() =>
        Gen.Select(Value.Array[9, 9], Gen.Int, Gen.Bool).Sample((values, ports, real) =>
        {
            Run(new LintImage
            {
                Archive = real ? _archive : Missing,
                SizeBudget = values[0],
                Rules = [Item(values[1], "Severity", values[2])],
                NoWarn = values[3],
                WarningsNotAsErrors = values[4],
                BaseImage = values[5],
                WrittenBaseImage = values[6],
                InvariantGlobalization = values[7],
                // The targets write the platform from the RID (linux/arm64); one named like a code (DRY4001) would read as a second code.
                Platform = values[8] is { } platform && platform.StartsWith("DRY", StringComparison.Ordinal) ? "linux/" + platform : values[8],
                Configuration = values[8] ?? "Release",
                MaxExposedPorts = ports,
                SarifPath = Path.Combine(_folder.Path, "lint.sarif"),
                FindingsPath = Path.Combine(_folder.Path, "findings.json"),
                CacheDirectory = Path.Combine(_folder.Path, "lint-cache"),
            });
        }, iter: 150, threads: 1);

    // The names the targets give the profile items (any other name is a bug in the targets, not a user's input).
    private static readonly string[] ProfileVariables = [.. Drydock.Runtime.DrydockVariables.Profile.Order(StringComparer.Ordinal)];

    /// <summary>
    /// Runtime is a name no engine has, so the task stops at <c>LocalEngine.Resolve</c> (DRY3xxx) after reading the
    /// timeout, the profile and the archive's ports, before any engine runs.
    /// </summary>
    [Fact]
    public void TestImage_AnyProfile_SuccessOrCodedErrors() =>
        // Half the runs leave the timeout unset, so the profile and the port are read too (a bad timeout stops the task first).
        Gen.Select(Value.Array[ProfileVariables.Length + 1, ProfileVariables.Length + 1], Gen.Bool, Gen.Bool).Sample((values, real, noTimeout) =>
        {
            Run(new TestImage
            {
                Projects = [new TaskItem(Path.Combine(_folder.Path, "tests.csproj"))],
                ImageId = "sha256:" + new string('a', 64),
                ImageDigest = "sha256:" + new string('b', 64),
                Archive = real ? _archive : Missing,
                Runtime = "no-such-engine",
                Configuration = "Release",
                Profile = ProfileVariables.Zip(values).Where(pair => pair.Second is not null).Select(pair => Item(pair.First, "Value", pair.Second)).ToArray(),
                ResultsDirectory = Path.Combine(_folder.Path, "results"),
                CacheDirectory = Path.Combine(_folder.Path, "test-cache"),
                Timeout = noTimeout ? null : values[^1],
            });
        }, iter: 200, threads: 1);

    /// <summary>
    /// LocalRegistry is never empty, Docker or Podman (those reach an engine): the task stops at the names' check
    /// (DRY2005) or the LocalRegistry check (DRY3004), both before any engine is asked.
    /// </summary>
    [Fact]
    public void LoadImage_AnyStrings_CodedErrors() =>
        Value.Array[4, 4].Where(values => !string.IsNullOrEmpty(values[0]) && !Drydock.Runtime.ContainerEngine.IsKnown(values[0])).Sample(values =>
        {
            var ok = Run(new LoadImage
            {
                Archive = _archive,
                ImageId = "sha256:" + new string('a', 64),
                LocalRegistry = values[0],
                Registry = values[1],
                Repository = values[2] ?? "",
                Tags = values[3],
            });
            Assert.False(ok);
        }, iter: 150, threads: 1);

    /// <summary>
    /// Up to the archive: a missing one, or one whose labels say it was built from a dirty tree (DRY6011 before any
    /// credential lookup or connection). Registry, Tags and StableVersion are read before either.
    /// </summary>
    [Fact]
    public void PushImage_AnyStrings_CodedErrorsBeforeTheRegistry() =>
        // Half the runs name a valid registry, so the tags, version and attestations list are read too (a bad registry stops the task first).
        Gen.Select(Value.Array[6, 6], Gen.Bool, Gen.Bool).Sample((values, missing, validRegistry) =>
        {
            var ok = Run(new PushImage
            {
                Archive = missing ? Missing : _dirtyArchive,
                Registry = validRegistry ? "localhost:5000" : values[0] ?? "",
                Repository = validRegistry ? "shop/api" : values[1] ?? "",
                AdditionalRegistries = values[2] is null ? [] : [Item(values[2], "Repository", values[3])],
                Tags = values[4],
                StableVersion = values[5],
                Attestations = values[5],
                ResultPath = Path.Combine(_folder.Path, "push.json"),
            });
            Assert.False(ok);
        }, iter: 150, threads: 1);

    [Fact]
    public void ResolveImageProjectAndPlanPlatforms_AnyStrings_SuccessOrCodedErrors()
    {
        var assets = Path.Combine(_folder.Path, "project.assets.json");
        Gen.Select(Value.Array[6, 6], Gen.Bool, Gen.Bool).Sample((values, enabled, assetsExist) =>
        {
            Run(new ResolveImageProject
            {
                EnableSdkContainerSupport = enabled,
                IsPublishable = values[0],
                ImageFormat = values[1],
                PackageReferences = [Item(values[2], "Version", values[3])],
            });
            if (assetsExist)
            {
                // Encoding.UTF8 replaces a lone surrogate, as a file on disk cannot hold one.
                File.WriteAllBytes(assets, System.Text.Encoding.UTF8.GetBytes(values[5] ?? ""));
            }
            else
            {
                File.Delete(assets);
            }

            Run(new PlanPlatforms
            {
                ContainerRuntimeIdentifier = values[2],
                ContainerRuntimeIdentifiers = values[3],
                AssetsFile = assets,
                TargetFramework = values[4],
            });
        }, iter: 200, threads: 1);
    }

    [Fact]
    public void CheckImageTests_AnyStrings_SuccessOrCodedErrors() =>
        Gen.Select(Value.Array[4, 4], Gen.Bool, Gen.Bool, Gen.Int[0, 3]).Sample((values, tested, require, failed) =>
        {
            Run(new CheckImageTests
            {
                // Written by NormalizeImage, never by a user.
                ImageDigest = "sha256:" + new string('c', 64),
                StoppedBy = values[1],
                Registry = values[2],
                Repository = values[3],
                Tested = tested,
                RequireTests = require,
                TestProjects = [new TaskItem("tests.csproj")],
                Results = [TestResultItems.ToItem(new Drydock.Build.Testing.TestRunResult { Project = "tests", Passed = 1, Failed = failed, Skipped = 0, DurationSeconds = 1 })],
            });
        }, iter: 200, threads: 1);

    /// <summary>Runs the task; every error and warning has a known code, never DRY2099, printed once.</summary>
    private static bool Run(DrydockTask task)
    {
        var engine = new RecordingBuildEngine();
        task.BuildEngine = engine;
        var ok = task.Execute();
        var output = string.Join('\n', engine.Lines.Select(line => line.Length > 300 ? line[..300] : line));
        Assert.Equal(ok, engine.Errors.Count == 0);
        Assert.All(engine.Errors, error =>
        {
            Assert.True(error.Code != KnownCodes.UnexpectedFailure, output);
            InputFuzz.AssertCoded(error.Code, error.Message ?? "");
        });
        Assert.All(engine.Warnings, warning => InputFuzz.AssertCoded(warning.Code, warning.Message ?? ""));
        TaskOutput.AssertCodesPrintedOnce(engine);
        return ok;
    }

    // An item's spec cannot be empty; its metadata can.
    private static TaskItem Item(string? spec, string metadata, string? value) =>
        new(string.IsNullOrEmpty(spec) ? "x" : spec, new Dictionary<string, string> { [metadata] = value ?? "" });
}
