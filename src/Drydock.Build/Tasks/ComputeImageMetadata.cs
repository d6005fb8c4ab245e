using System.Collections;
using Drydock.Build.Ci;
using Drydock.Build.Diagnostics;
using Drydock.Build.Git;
using Drydock.Build.Metadata;
using Drydock.Build.Tagging;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Drydock.Build.Tasks;

/// <summary>
/// Reads git and CI facts and resolves the image's repository, tags, labels and annotations.
/// Precedence: explicit property > CI variables > the repository.
/// </summary>
public sealed class ComputeImageMetadata : DrydockTask
{
    [Required]
    public string ProjectDirectory { get; set; } = "";

    public string? Repository { get; set; }

    public string? AssemblyName { get; set; }

    public string? Registry { get; set; }

    public string? Revision { get; set; }

    public string? Branch { get; set; }

    public string? Version { get; set; }

    public string? DefaultVersion { get; set; }

    public string? SourceUrl { get; set; }

    public string? Title { get; set; }

    public string? Description { get; set; }

    public string? Url { get; set; }

    public string? Licenses { get; set; }

    public string? Vendor { get; set; }

    public string? Authors { get; set; }

    public string? BaseImage { get; set; }

    public string? Configuration { get; set; }

    public string? SdkVersion { get; set; }

    /// <summary><c>ContainerImageTags</c>, then <c>ContainerImageTag</c>: when set, they replace the computed tags.</summary>
    public string? Tags { get; set; }

    public string? Tag { get; set; }

    /// <summary>The project's own <c>ContainerLabel</c> items: they win over computed labels of the same key.</summary>
    public ITaskItem[] ExistingLabels { get; set; } = [];

    [Output]
    public string? ResolvedRepository { get; private set; }

    [Output]
    public string? ResolvedRevision { get; private set; }

    [Output]
    public string? ResolvedVersion { get; private set; }

    /// <summary>The version when it is a stable release (a version tag or ContainerVersion): the push may move <c>latest</c> to it.</summary>
    [Output]
    public string? StableReleaseVersion { get; private set; }

    /// <summary>RFC 3339, UTC: the image's creation time and the epoch of every file in its app layers.</summary>
    [Output]
    public string? Created { get; private set; }

    /// <summary>Primary tag first. An array, so that MSBuild joins it into a list, not one escaped string.</summary>
    [Output]
    public string[] ResolvedTags { get; private set; } = [];

    [Output]
    public ITaskItem[] Labels { get; private set; } = [];

    [Output]
    public ITaskItem[] Annotations { get; private set; } = [];

    protected override void Execute(IBuildLog log, CancellationToken cancellationToken)
    {
        var environment = Environment.GetEnvironmentVariables()
            .Cast<DictionaryEntry>()
            .ToDictionary(entry => (string)entry.Key, entry => (string?)entry.Value ?? "", StringComparer.Ordinal);

        var inputs = new MetadataInputs
        {
            Repository = string.IsNullOrWhiteSpace(Repository) ? AssemblyName?.ToLowerInvariant() : Repository,
            Registry = Registry,
            Revision = Revision,
            Branch = Branch,
            Version = Version,
            DefaultVersion = DefaultVersion,
            SourceUrl = SourceUrl,
            SourceDateEpoch = environment.GetValueOrDefault("SOURCE_DATE_EPOCH"),
            ExplicitTags = Tags,
            ExplicitTag = Tag,
            Title = Title,
            Description = Description,
            Url = Url,
            Licenses = Licenses,
            Vendor = Vendor,
            Authors = Authors,
            BaseImageName = BaseImage,
            Configuration = Configuration,
            SdkVersion = SdkVersion,
        };

        foreach (var label in ExistingLabels)
        {
            LabelKey.Validate(label.ItemSpec);
        }

        var (repository, gitProblem) = ReadRepository(log, cancellationToken);
        var ci = CiEnvironment.Detect(environment, log);
        ImageMetadata metadata;
        try
        {
            metadata = MetadataResolver.Resolve(inputs, repository, ci, log);
        }
        catch (DrydockException e) when (gitProblem is not null && e.Code == KnownCodes.NoRepository)
        {
            // Without git the facts had to come from elsewhere and did not. Git's own error says why there
            // are none and what to set instead; it is reported alone, under its own code.
            log.Detail($"Drydock: {e.Message}");
            throw gitProblem;
        }

        var existing = ExistingLabels.Select(label => label.ItemSpec).ToHashSet(StringComparer.Ordinal);
        ResolvedRepository = inputs.Repository;
        ResolvedRevision = metadata.Revision;
        ResolvedVersion = metadata.Version;
        StableReleaseVersion = metadata.IsStableRelease ? metadata.Version : null;
        Created = metadata.Created.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        ResolvedTags = [.. metadata.Tags];
        Labels = ToItems(metadata.Labels.Where(label => !existing.Contains(label.Key)));
        Annotations = ToItems(metadata.Annotations);
    }

    /// <summary>The repository's facts; none (with the reason) when there is no repository or no git.</summary>
    private (GitFacts? Facts, DrydockException? Problem) ReadRepository(IBuildLog log, CancellationToken cancellationToken)
    {
        try
        {
            return (GitRepository.Read(ProjectDirectory, log, cancellationToken), null);
        }
        catch (DrydockException e) when (e.Code is KnownCodes.NoRepository or KnownCodes.GitNotFound)
        {
            log.Detail($"Drydock: no git facts ({e.Code}); using explicit properties and CI variables");
            return (null, e);
        }
    }

    private static ITaskItem[] ToItems(IEnumerable<KeyValuePair<string, string>> pairs) =>
        pairs.Select(pair => (ITaskItem)new TaskItem(pair.Key, new Dictionary<string, string> { ["Value"] = pair.Value })).ToArray();
}
