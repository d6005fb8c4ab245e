using System.Text.Json.Nodes;
using Drydock.Build.Oci;

namespace Drydock.Build.Attestation;

/// <summary>
/// A Sigstore bundle v0.3 holding a DSSE envelope (https://github.com/sigstore/protobuf-specs, <c>protos/sigstore_bundle.proto</c>,
/// in its proto3 JSON form): <c>{ mediaType, verificationMaterial, dsseEnvelope }</c>. What cosign 3 and GitHub's
/// <c>attest</c> actions push as referrers, and what sigstore-js and <c>cosign verify-attestation</c> read.
/// </summary>
public static class SigstoreBundle
{
    public const string MediaType = "application/vnd.dev.sigstore.bundle.v0.3+json";

    public static byte[] Create(JsonObject verificationMaterial, JsonObject dsseEnvelope)
    {
        ArgumentNullException.ThrowIfNull(verificationMaterial);
        ArgumentNullException.ThrowIfNull(dsseEnvelope);
        return OciJson.Serialize(new JsonObject
        {
            ["mediaType"] = MediaType,
            ["verificationMaterial"] = verificationMaterial.DeepClone(),
            ["dsseEnvelope"] = dsseEnvelope.DeepClone(),
        });
    }
}
