using System.Globalization;
using System.Text.Json.Nodes;
using Drydock.Build.Ci;

namespace Drydock.Build.Attestation;

/// <summary>What a build's provenance says (<see cref="ProvenancePredicate"/>). Nothing secret: no credentials, no key.</summary>
public sealed record ProvenanceFacts
{
    /// <summary>The project file, relative to the repository root, with <c>/</c> separators.</summary>
    public required string Project { get; init; }

    public required string Configuration { get; init; }

    /// <summary>The runtime identifiers built (one per platform).</summary>
    public IReadOnlyList<string> RuntimeIdentifiers { get; init; } = [];

    /// <summary>The <c>Container*</c> and <c>Drydock*</c> properties that shaped the image, by name; empty ones left out.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();

    /// <summary>The repository's URL without credentials (<c>org.opencontainers.image.source</c>).</summary>
    public string? RepositoryUrl { get; init; }

    /// <summary>The full commit id built (<c>org.opencontainers.image.revision</c>).</summary>
    public string? Revision { get; init; }

    /// <summary>The base image's name and manifest digest (<c>org.opencontainers.image.base.*</c>).</summary>
    public string? BaseImage { get; init; }

    public string? BaseDigest { get; init; }

    public string? SdkVersion { get; init; }

    public required string DrydockVersion { get; init; }

    /// <summary>The CI the build ran in; null for a local build.</summary>
    public CiFacts? Ci { get; init; }

    /// <summary>Used as the invocation id of a local build (no CI run id).</summary>
    public required string LocalInvocationId { get; init; }

    public required DateTimeOffset StartedOn { get; init; }

    public required DateTimeOffset FinishedOn { get; init; }
}

/// <summary>
/// SLSA Provenance v1 (https://slsa.dev/spec/v1.0/provenance): <c>buildDefinition</c> with Drydock's own
/// <see cref="BuildType"/> (its parameters documented in docs/attestations.md), <c>externalParameters</c> (the
/// project, configuration, RIDs, properties), <c>resolvedDependencies</c> (the git commit as <c>gitCommit</c>, the base
/// image by digest, the .NET SDK and Drydock); <c>runDetails</c> with the CI's <c>builder.id</c> and run id as
/// <c>invocationId</c> (or the local machine's), <c>startedOn</c>/<c>finishedOn</c> in RFC 3339 UTC.
/// </summary>
public static class ProvenancePredicate
{
    public const string Type = "https://slsa.dev/provenance/v1";

    /// <summary>Drydock's build type: a <c>dotnet publish</c> of one project into an OCI image.</summary>
    public const string BuildType = "https://github.com/drydock-build/drydock/blob/main/docs/attestations.md#buildtype-v1";

    /// <summary>The builder id of a build outside CI.</summary>
    public const string LocalBuilder = "https://github.com/drydock-build/drydock/blob/main/docs/attestations.md#builder-local";

    public static JsonObject Create(ProvenanceFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var external = new JsonObject
        {
            ["project"] = facts.Project,
            ["configuration"] = facts.Configuration,
            ["runtimeIdentifiers"] = new JsonArray([.. facts.RuntimeIdentifiers.Select(rid => (JsonNode)rid)]),
            ["properties"] = new JsonObject(facts.Properties
                .Where(pair => pair.Value.Length > 0)
                .OrderBy(pair => pair.Key, StringComparer.Ordinal)
                .Select(pair => KeyValuePair.Create(pair.Key, (JsonNode?)pair.Value))),
        };
        if (facts.RepositoryUrl is { } source)
        {
            external["repository"] = source;
        }

        var dependencies = new JsonArray();
        if (facts.Revision is { Length: > 0 } revision)
        {
            var commit = new JsonObject { ["uri"] = GitUri(facts.RepositoryUrl, revision), ["digest"] = new JsonObject { ["gitCommit"] = revision } };
            commit["name"] = "source";
            dependencies.Add(commit);
        }

        if (facts.BaseImage is { Length: > 0 } baseImage)
        {
            var descriptor = new JsonObject { ["name"] = "base-image", ["uri"] = "oci://" + baseImage };
            if (facts.BaseDigest is { } digest && digest.StartsWith("sha256:", StringComparison.Ordinal))
            {
                descriptor["digest"] = new JsonObject { ["sha256"] = digest["sha256:".Length..] };
            }

            dependencies.Add(descriptor);
        }

        if (facts.SdkVersion is { Length: > 0 } sdk)
        {
            dependencies.Add(new JsonObject { ["name"] = "dotnet-sdk", ["uri"] = "pkg:generic/dotnet-sdk@" + sdk });
        }

        dependencies.Add(new JsonObject { ["name"] = "drydock", ["uri"] = "pkg:nuget/Drydock.Sdk@" + facts.DrydockVersion });

        var (builder, invocation) = Builder(facts);
        return new JsonObject
        {
            ["buildDefinition"] = new JsonObject
            {
                ["buildType"] = BuildType,
                ["externalParameters"] = external,
                ["resolvedDependencies"] = dependencies,
            },
            ["runDetails"] = new JsonObject
            {
                ["builder"] = new JsonObject { ["id"] = builder, ["version"] = new JsonObject { ["drydock"] = facts.DrydockVersion } },
                ["metadata"] = new JsonObject
                {
                    ["invocationId"] = invocation,
                    ["startedOn"] = Rfc3339(facts.StartedOn),
                    ["finishedOn"] = Rfc3339(facts.FinishedOn),
                },
            },
        };
    }

    /// <summary>
    /// The build platform and this run of it. In CI: the runner's project as <c>builder.id</c> (the platform that
    /// is trusted), the run's URL (else its id) as <c>invocationId</c>. Locally: <see cref="LocalBuilder"/> and the
    /// given id.
    /// </summary>
    public static (string BuilderId, string InvocationId) Builder(ProvenanceFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        if (facts.Ci is not { } ci)
        {
            return (LocalBuilder, facts.LocalInvocationId);
        }

        var builder = ci.Provider switch
        {
            CiProvider.GitHubActions => "https://github.com/actions/runner",
            CiProvider.GitLabCi => "https://gitlab.com/gitlab-org/gitlab-runner",
            CiProvider.AzurePipelines => "https://github.com/microsoft/azure-pipelines-agent",
            CiProvider.Jenkins => "https://www.jenkins.io/",
            _ => LocalBuilder,
        };
        return (builder, ci.RunUrl ?? ci.RunId ?? facts.LocalInvocationId);
    }

    /// <summary>An SPDX-style VCS locator: <c>git+https://host/org/repo@commit</c>.</summary>
    private static string GitUri(string? repository, string revision) =>
        repository is { Length: > 0 } ? $"git+{repository}@{revision}" : "git:" + revision;

    private static string Rfc3339(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
