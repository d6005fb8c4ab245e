using System.Text.Json;
using System.Text.Json.Serialization;

namespace Drydock.Build.Attestation;

/// <summary>
/// One attestation Drydock wrote, as <c>drydock.json</c> lists it (<c>attestations: [...]</c>) and the push reads it:
/// the statement's predicate type and subject (<c>sha256:…</c>), the statement file, the Sigstore bundle file (null
/// when unsigned), and whether it is signed. Paths are absolute.
/// </summary>
public sealed record AttestationRecord
{
    [JsonPropertyName("predicateType")]
    public required string PredicateType { get; init; }

    [JsonPropertyName("subject")]
    public required string Subject { get; init; }

    [JsonPropertyName("statement")]
    public required string Statement { get; init; }

    [JsonPropertyName("bundle")]
    public string? Bundle { get; init; }

    [JsonPropertyName("signed")]
    public bool IsSigned => Bundle is not null;

    /// <summary>After the push: the referrer's manifest digest in the registry.</summary>
    [JsonPropertyName("referrer")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Referrer { get; init; }

    /// <summary>After a failed push of this attestation: the DRY code and message.</summary>
    [JsonPropertyName("error")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Error { get; init; }

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    /// <summary>The side file between the attest step, the push and the report.</summary>
    public static void WriteAll(string path, IReadOnlyList<AttestationRecord> records)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, JsonSerializer.Serialize(records, Options));
    }

    /// <summary>The records in <paramref name="path"/>, or none when it does not exist.</summary>
    public static IReadOnlyList<AttestationRecord> ReadAll(string? path) =>
        string.IsNullOrEmpty(path) || !File.Exists(path) ? [] : JsonSerializer.Deserialize<List<AttestationRecord>>(File.ReadAllText(path)) ?? [];
}
