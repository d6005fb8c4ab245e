using System.Reflection;
using CsCheck;
using Drydock.Build.Ci;
using Drydock.Build.Diagnostics;
using Drydock.Build.Git;
using Drydock.Build.Metadata;
using Drydock.Build.Tagging;
using Drydock.Build.Tests.Support;

namespace Drydock.Build.Tests.Diagnostics;

/// <summary>
/// Every text a task passes to plain code, fuzzed: the outcome is a result or a <see cref="DrydockException"/>
/// with a known code whose message does not start with a code and stays on one line — never another exception,
/// which MSBuild would print as a stack trace.
/// </summary>
public sealed class InputFuzz
{
    private static readonly HashSet<string> Codes = typeof(KnownCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(field => field.IsLiteral)
        .Select(field => (string)field.GetRawConstantValue()!)
        .ToHashSet(StringComparer.Ordinal);

    // Short strings of any character, strings of the characters that matter to the parsers, and realistic values.
    internal static readonly Gen<string?> Text = Gen.OneOf(
        Gen.String[0, 24].Select(s => (string?)s),
        Gen.Char["0123456789.+-_/:@;vV latesha\t\n\u00dc"].Array[0, 16].Select(chars => (string?)new string(chars)),
        Gen.OneOf<string?>(null, "", " ", "1.2.3", "v1.2.3", "latest", "main", "feature/x", "refs/heads/main", "refs/pull/7/merge",
            "refs/tags/v1.0.0", "9999999999999", "8589934591", "-1", "shop/api", "Shop/Api", "localhost:5000", "sha-abc1234", "pr-7", "a;b;;c"));

    private static readonly Gen<MetadataInputs> Inputs =
        Gen.Select(Text.Array[13, 13], values => new MetadataInputs
        {
            Repository = values[0],
            Registry = values[1],
            Revision = values[2],
            Branch = values[3],
            Version = values[4],
            DefaultVersion = values[5],
            SourceUrl = values[6],
            SourceDateEpoch = values[7],
            ExplicitTags = values[8],
            ExplicitTag = values[9],
            Title = values[10],
            BaseImageName = values[11],
            Configuration = values[12],
        });

    private static readonly string[] CiVariables =
    [
        "GITHUB_ACTIONS", "GITHUB_EVENT_NAME", "GITHUB_REF", "GITHUB_SHA", "GITHUB_HEAD_REF", "GITHUB_BASE_REF", "GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID",
        "TF_BUILD", "BUILD_REASON", "BUILD_SOURCEBRANCH", "BUILD_SOURCEVERSION", "SYSTEM_PULLREQUEST_PULLREQUESTID", "SYSTEM_PULLREQUEST_SOURCEBRANCH", "SYSTEM_COLLECTIONURI", "SYSTEM_TEAMPROJECT", "BUILD_BUILDID", "BUILD_REPOSITORY_URI",
        "GITLAB_CI", "CI_COMMIT_TAG", "CI_COMMIT_BRANCH", "CI_COMMIT_REF_NAME", "CI_COMMIT_SHA", "CI_MERGE_REQUEST_IID", "CI_MERGE_REQUEST_EVENT_TYPE", "CI_PROJECT_URL", "CI_PIPELINE_SOURCE",
        "JENKINS_URL", "BRANCH_NAME", "CHANGE_ID", "CHANGE_BRANCH", "TAG_NAME", "GIT_COMMIT", "GIT_BRANCH", "GIT_URL",
    ];

    private static readonly Gen<Dictionary<string, string>> Environment =
        Gen.Select(Gen.OneOf("GITHUB_ACTIONS", "TF_BUILD", "GITLAB_CI", "JENKINS_URL"), Text.Array[CiVariables.Length, CiVariables.Length], (marker, values) =>
        {
            var env = CiVariables.Zip(values).Where(pair => pair.Second is not null).ToDictionary(pair => pair.First, pair => pair.Second!, StringComparer.Ordinal);
            env[marker] = marker == "TF_BUILD" ? "True" : "true";
            return env;
        });

    private static readonly Gen<GitFacts?> Repository = Gen.OneOf(
        Gen.Const((GitFacts?)null),
        Gen.Select(Text, Text, Gen.Bool, Gen.Long[-100, 9_000_000_000], (branch, remote, dirty, time) => (GitFacts?)new GitFacts(
            "/src", "0123456789abcdef0123456789abcdef01234567", "0123456", branch, dirty, DateTimeOffset.FromUnixTimeSeconds(time), remote, branch is null ? [] : [branch], IsShallow: false)));

    [Fact]
    public void ComputeImageMetadata_AnyInputs_ResultOrCodedError() =>
        Gen.Select(Inputs, Repository, Environment, Gen.Bool).Sample((inputs, repository, environment, withCi) =>
        {
            var log = new ListBuildLog();
            Outcome(() =>
            {
                var ci = withCi ? CiEnvironment.Detect(environment, log) : null;
                var metadata = MetadataResolver.Resolve(inputs, repository, ci, log);
                Assert.NotEmpty(metadata.Tags);
                Assert.All(metadata.Tags, tag => Assert.True(TagName.IsValid(tag), tag));
                Assert.All(metadata.Labels.Values, value => Assert.False(string.IsNullOrWhiteSpace(value)));
            });
            Assert.All(log.Warnings, warning => AssertCoded(warning.Code, warning.Message));
        }, iter: 3000);

    /// <summary>
    /// The task itself, against a real repository: every property any string (<see cref="TaskFuzz.Value"/>: huge, control,
    /// unicode, near-valid), every outcome success or one coded error, never DRY2099.
    /// </summary>
    [Fact]
    public void ComputeImageMetadataTask_AnyProperties_SuccessOrOneCodedError()
    {
        using var repository = TempGitRepository.Init();
        repository.WriteFile("a.txt", "a");
        repository.Commit("first");
        Gen.Select(TaskFuzz.Value.Array[10, 10], Text).Sample((values, label) =>
        {
            var engine = new RecordingBuildEngine();
            var task = new Drydock.Build.Tasks.ComputeImageMetadata
            {
                BuildEngine = engine,
                ProjectDirectory = repository.Path,
                Repository = values[0],
                Registry = values[1],
                Revision = values[2],
                Branch = values[3],
                Version = values[4],
                DefaultVersion = values[5],
                SourceUrl = values[6],
                Tags = values[7],
                Tag = values[8],
                BaseImage = values[9],
                ExistingLabels = label is null ? [] : [new Microsoft.Build.Utilities.TaskItem(label.Length == 0 ? "x" : label)],
            };

            var ok = task.Execute();

            Assert.Equal(ok, engine.Errors.Count == 0);
            Assert.True(engine.Errors.Count <= 1, string.Join('\n', engine.Lines));
            Assert.All(engine.Errors, error => AssertCoded(error.Code, error.Message ?? ""));
            Assert.DoesNotContain(engine.Errors, error => error.Code == KnownCodes.UnexpectedFailure);
            TaskOutput.AssertCodesPrintedOnce(engine);
        }, iter: 200, threads: 1);
    }

    [Fact]
    public void RemoteUrl_AnyText_UrlOrNull() =>
        Text.Sample(remote => Outcome(() =>
        {
            var url = RemoteUrl.ToPublicHttps(remote);
            Assert.True(url is null || Uri.TryCreate(url, UriKind.Absolute, out _), url);
        }), iter: 3000);

    [Fact]
    public void PushImage_AnyRegistryAndRepository_TargetsOrCodedError() =>
        Gen.Select(Text, Text, Text, Text).Sample((registry, repository, extra, extraRepository) => Outcome(() =>
        {
            var targets = Drydock.Build.Oci.Registry.PushTarget.List(registry!, repository!, extra is null ? [] : [(extra, extraRepository)]);
            Assert.All(targets, target => Assert.Equal(target.Registry, Drydock.Build.Oci.Registry.RegistryEndpoint.Parse(target.Registry).Name));
        }), iter: 3000);

    /// <summary>Runs <paramref name="action"/>; only a <see cref="DrydockException"/> with a known code may escape.</summary>
    internal static void Outcome(Action action)
    {
        try
        {
            action();
        }
        catch (DrydockException e)
        {
            AssertCoded(e.Code, e.Message);
        }
    }

    internal static void AssertCoded(string code, string message)
    {
        Assert.Contains(code, Codes);
        Assert.DoesNotMatch(@"^DRY\d{4}", message);
        Assert.DoesNotContain('\n', message);
        Assert.DoesNotContain('\r', message);
    }
}
