using System.Text.Json.Nodes;

namespace Drydock.Build.Attestation;

/// <summary>
/// Signs DSSE pre-authentication encodings and says how to verify them. Statements never see a signer:
/// <see cref="Attestor"/> hands it the PAE bytes and wraps what it returns into a Sigstore bundle, so a keyless
/// signer (a CI OIDC token exchanged for a Fulcio certificate, the signature logged in Rekor) or one that adds an
/// RFC 3161 timestamp is another implementation of this interface, not a change to the statements
/// (docs/attestations.md, "Signers").
/// </summary>
public interface IAttestationSigner
{
    /// <summary>The signature over <paramref name="pae"/> (<see cref="Dsse.Pae"/>).</summary>
    Task<DsseSignature> SignAsync(byte[] pae, CancellationToken cancellationToken);

    /// <summary>
    /// The bundle's <c>verificationMaterial</c> for a signature this signer made: for a key, <c>{ publicKey: { hint } }</c>;
    /// for keyless, the certificate, the Rekor entries (<c>tlogEntries</c>) and timestamps (<c>timestampVerificationData</c>).
    /// </summary>
    JsonObject VerificationMaterial(DsseSignature signature);
}
