using System.Text.Json.Nodes;

namespace Drydock.Build.Oci.Registry;

/// <summary>
/// An OCI 1.1 artifact that refers to a pushed image (its <c>subject</c>): an image manifest with an
/// <c>artifactType</c>, the empty config, and one blob of that type (Drydock's attestations: Attestation/AttestationReferrer.cs). Registries without the referrers API find it
/// through the referrers tag schema: an index under the tag <c>sha256-&lt;hex of the subject&gt;</c>.
/// </summary>
public sealed class ReferrerArtifact
{
    public const string EmptyMediaType = "application/vnd.oci.empty.v1+json";

    public static readonly byte[] EmptyContent = "{}"u8.ToArray();

    public ReferrerArtifact(string artifactType, byte[] content, Descriptor subject, IReadOnlyDictionary<string, string> annotations)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(subject);
        ArtifactType = artifactType;
        Content = content;
        Blob = new Descriptor(artifactType, Digest.Of(content), content.Length);
        Annotations = annotations;
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = OciMediaTypes.ImageManifest,
            ["artifactType"] = artifactType,
            ["config"] = Json(Empty),
            ["layers"] = new JsonArray(Json(Blob)),
            ["subject"] = Json(subject),
            ["annotations"] = Annotate(annotations),
        };
        ManifestBytes = OciJson.Serialize(manifest);
        Manifest = new Descriptor(OciMediaTypes.ImageManifest, Digest.Of(ManifestBytes), ManifestBytes.Length);
    }

    public static Descriptor Empty { get; } = new(EmptyMediaType, Digest.Of(EmptyContent), EmptyContent.Length);

    public string ArtifactType { get; }

    public byte[] Content { get; }

    public Descriptor Blob { get; }

    public IReadOnlyDictionary<string, string> Annotations { get; }

    public byte[] ManifestBytes { get; }

    public Descriptor Manifest { get; }

    /// <summary>The fallback tag for referrers of <paramref name="subject"/>: <c>sha256-&lt;hex&gt;</c>.</summary>
    public static string ReferrersTag(Digest subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        return "sha256-" + subject.Hex;
    }

    /// <summary>
    /// What a manifest found under the referrers tag is when it is not a referrers index — the subject itself (GitLab
    /// resolves <c>sha256-&lt;hex&gt;</c> to <c>sha256:&lt;hex&gt;</c>, oras-go#1396), or an image manifest — so nothing may be
    /// written there; null when it is an index (OCI image spec: the referrers tag schema holds an image index).
    /// </summary>
    public static string? NotAReferrersIndex(byte[] bytes, string mediaType, Digest subject)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(subject);
        if (Digest.Of(bytes) == subject)
        {
            return $"the image itself ({subject})";
        }

        var document = OciJson.TryParseObject(bytes);
        var type = OciJson.GetString(document?["mediaType"]) ?? mediaType;
        return type == OciMediaTypes.ImageIndex && document?["manifests"] is JsonArray
            ? null
            : $"a {(string.IsNullOrEmpty(type) ? "document of no media type" : type)} ({Digest.Of(bytes)})";
    }

    /// <summary>
    /// The referrers index with this artifact added (once): <paramref name="existing"/> is the index now
    /// under the referrers tag, or null when there is none.
    /// </summary>
    public byte[] AddTo(byte[]? existing)
    {
        var index = existing is null ? null : OciJson.TryParseObject(existing);
        if (index?["manifests"] is not JsonArray manifests)
        {
            manifests = [];
            index = new JsonObject { ["schemaVersion"] = 2, ["mediaType"] = OciMediaTypes.ImageIndex, ["manifests"] = manifests };
        }

        if (!manifests.Any(entry => OciJson.GetString(entry?["digest"]) == Manifest.Digest.ToString()))
        {
            var entry = Json(Manifest);
            entry["artifactType"] = ArtifactType;
            entry["annotations"] = Annotate(Annotations);
            manifests.Add(entry);
        }

        return OciJson.Serialize(index);
    }

    private static JsonObject Json(Descriptor descriptor) => new()
    {
        ["mediaType"] = descriptor.MediaType,
        ["digest"] = descriptor.Digest.ToString(),
        ["size"] = descriptor.Size,
    };

    private static JsonObject Annotate(IReadOnlyDictionary<string, string> annotations) =>
        new(annotations.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => KeyValuePair.Create(pair.Key, (JsonNode?)pair.Value)));
}
