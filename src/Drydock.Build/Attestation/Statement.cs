using System.Text.Json.Nodes;
using Drydock.Build.Oci;

namespace Drydock.Build.Attestation;

/// <summary>
/// An in-toto Statement v1 (https://github.com/in-toto/attestation/blob/main/spec/v1/statement.md):
/// <c>{ _type, subject: [{ name, digest: { sha256 } }], predicateType, predicate }</c>, serialized compactly with
/// the keys in that order, so the same inputs give the same bytes.
/// </summary>
public static class Statement
{
    public const string Type = "https://in-toto.io/Statement/v1";

    /// <summary>The statement about one image manifest or index (<paramref name="subject"/>, named <paramref name="name"/>: <c>registry/repository</c> or the repository).</summary>
    public static byte[] Create(string name, Digest subject, string predicateType, JsonNode predicate)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(predicate);
        var statement = new JsonObject
        {
            ["_type"] = Type,
            ["subject"] = new JsonArray(new JsonObject
            {
                ["name"] = name,
                ["digest"] = new JsonObject { ["sha256"] = subject.Hex },
            }),
            ["predicateType"] = predicateType,
            ["predicate"] = predicate.DeepClone(),
        };
        return OciJson.Serialize(statement);
    }
}
