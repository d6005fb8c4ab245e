using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Drydock.Build.Attestation;

/// <summary>
/// Dead Simple Signing Envelope v1 (https://github.com/secure-systems-lab/dsse/blob/master/protocol.md):
/// the pre-authentication encoding a signature covers, and the envelope JSON
/// (<c>payload</c> and <c>sig</c> base64 with padding, as the protocol's reference and sigstore's
/// <c>io.intoto.Envelope</c> write them).
/// </summary>
public static class Dsse
{
    /// <summary>The payload type of an in-toto statement.</summary>
    public const string InTotoPayloadType = "application/vnd.in-toto+json";

    /// <summary><c>PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body</c>, lengths as ASCII decimal byte counts.</summary>
    public static byte[] Pae(string payloadType, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(payloadType);
        var type = Encoding.UTF8.GetBytes(payloadType);
        var head = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"DSSEv1 {type.Length} "));
        var middle = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $" {payload.Length} "));
        return [.. head, .. type, .. middle, .. payload];
    }

    /// <summary>The envelope: <c>{ payload, payloadType, signatures: [{ sig, keyid }] }</c>; no signatures for an unsigned one.</summary>
    public static JsonObject Envelope(string payloadType, ReadOnlySpan<byte> payload, IReadOnlyList<DsseSignature> signatures)
    {
        ArgumentNullException.ThrowIfNull(signatures);
        return new JsonObject
        {
            ["payload"] = Convert.ToBase64String(payload),
            ["payloadType"] = payloadType,
            ["signatures"] = new JsonArray([.. signatures.Select(s => (JsonNode)new JsonObject
            {
                ["sig"] = Convert.ToBase64String(s.Signature),
                ["keyid"] = s.KeyId,
            })]),
        };
    }
}

/// <summary>One DSSE signature: the signature bytes (for ECDSA, DER) over <see cref="Dsse.Pae"/>, and the signer's key id (may be empty).</summary>
public sealed record DsseSignature(byte[] Signature, string KeyId);
