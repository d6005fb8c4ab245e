using System.Text.Json.Nodes;
using Drydock.Build.Diagnostics;
using Drydock.Build.Oci;

namespace Drydock.Build.Attestation;

/// <summary>A statement to make: its subject (a manifest or index digest, named by its repository), predicate type and predicate.</summary>
public sealed record AttestationRequest(string SubjectName, Digest Subject, string PredicateType, JsonNode Predicate);

/// <summary>
/// Turns predicates into in-toto statements and, with a signer, into DSSE envelopes in Sigstore bundles, written as
/// files into one folder (replaced on every run): <c>&lt;subject hex 12&gt;.&lt;kind&gt;.&lt;statement hex 12&gt;.intoto.json</c>
/// (the statement) and <c>….sigstore.json</c> (the bundle). The statements do not depend on the signer.
/// </summary>
public sealed class Attestor(IAttestationSigner? signer, IBuildLog log)
{
    public async Task<IReadOnlyList<AttestationRecord>> WriteAsync(string directory, IReadOnlyList<AttestationRequest> requests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        Directory.CreateDirectory(directory);
        var records = new List<AttestationRecord>();
        foreach (var request in requests)
        {
            var statement = Statement.Create(request.SubjectName, request.Subject, request.PredicateType, request.Predicate);
            var stem = Path.Combine(directory, $"{request.Subject.Hex[..12]}.{Kind(request.PredicateType)}.{Digest.Of(statement).Hex[..12]}");
            var statementPath = stem + ".intoto.json";
            await File.WriteAllBytesAsync(statementPath, statement, cancellationToken).ConfigureAwait(false);
            string? bundlePath = null;
            if (signer is not null)
            {
                var signature = await signer.SignAsync(Dsse.Pae(Dsse.InTotoPayloadType, statement), cancellationToken).ConfigureAwait(false);
                var envelope = Dsse.Envelope(Dsse.InTotoPayloadType, statement, [signature]);
                bundlePath = stem + ".sigstore.json";
                await File.WriteAllBytesAsync(bundlePath, SigstoreBundle.Create(signer.VerificationMaterial(signature), envelope), cancellationToken).ConfigureAwait(false);
            }

            log.Detail($"Drydock: attestation {request.PredicateType} for {request.Subject}: {Path.GetFileName(bundlePath ?? statementPath)}{(signer is null ? " (unsigned)" : "")}");
            records.Add(new AttestationRecord { PredicateType = request.PredicateType, Subject = request.Subject.ToString(), Statement = statementPath, Bundle = bundlePath });
        }

        return records;
    }

    /// <summary>A short file-name word for a predicate type.</summary>
    public static string Kind(string predicateType) => predicateType switch
    {
        TestResultPredicate.Type => "test-result",
        ProvenancePredicate.Type => "provenance",
        _ when predicateType.Contains("cyclonedx", StringComparison.OrdinalIgnoreCase) => "cyclonedx",
        _ when predicateType.Contains("spdx", StringComparison.OrdinalIgnoreCase) => "spdx",
        _ => "predicate",
    };
}
