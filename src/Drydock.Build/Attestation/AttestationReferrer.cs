namespace Drydock.Build.Attestation;

/// <summary>
/// How an attestation is stored as an OCI 1.1 referrer of its subject. Signed: the Sigstore bundle, in the layout
/// cosign 3 and GitHub's <c>attest</c> actions push (<c>artifactType</c> and the one layer
/// <see cref="SigstoreBundle.MediaType"/>, annotations <c>dev.sigstore.bundle.content=dsse-envelope</c> and
/// <c>dev.sigstore.bundle.predicateType</c>). Unsigned: the bare statement (<c>application/vnd.in-toto+json</c>,
/// annotation <c>in-toto.io/predicate-type</c>, as BuildKit names it), since a DSSE envelope without signatures
/// is no bundle a verifier accepts.
/// </summary>
public static class AttestationReferrer
{
    public const string ContentKey = "dev.sigstore.bundle.content";
    public const string PredicateTypeKey = "dev.sigstore.bundle.predicateType";
    public const string InTotoPredicateTypeKey = "in-toto.io/predicate-type";

    /// <summary>The referrer's artifact type (= its layer's media type), its annotations and its one blob's content.</summary>
    public static (string ArtifactType, IReadOnlyDictionary<string, string> Annotations, byte[] Content) For(AttestationRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.Bundle is { } bundle
            ? (SigstoreBundle.MediaType, new Dictionary<string, string> { [ContentKey] = "dsse-envelope", [PredicateTypeKey] = record.PredicateType }, File.ReadAllBytes(bundle))
            : (Dsse.InTotoPayloadType, new Dictionary<string, string> { [InTotoPredicateTypeKey] = record.PredicateType }, File.ReadAllBytes(record.Statement));
    }
}
