using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Drydock.Build.Diagnostics;
using Drydock.Build.Oci;
using Drydock.Build.Oci.Registry;

namespace Drydock.Build.Attestation;

/// <summary>What <see cref="ImageVerifier"/> found: each verified statement's predicate type, and the test results that passed.</summary>
public sealed record VerifiedImage(string Reference, IReadOnlyList<string> PredicateTypes, int PassedTestResults);

/// <summary>
/// Checks an image as a deploy gate would (docs/attestations.md, "Verify"): the Sigstore bundle referrers of its digest
/// (referrers API, else the <c>sha256-&lt;hex&gt;</c> tag, never the subject's own manifest taken for an index) must
/// each verify against the public key (ECDSA P-256, DER signatures over the DSSE PAE) and be about that digest; a
/// test-result statement must say <c>PASSED</c>; and, when asked, a provenance must name the repository.
/// Failures are DRY6040–DRY6044.
/// </summary>
public sealed class ImageVerifier(RegistryOptions options, CredentialStore? store, IBuildLog log)
{
    /// <summary>A bundle is a few kilobytes; a referrer layer larger than this is not one of ours and is not downloaded.</summary>
    private const long MaxBundleBytes = 16 * 1024 * 1024;

    /// <param name="reference"><c>registry/repository@sha256:&lt;hex&gt;</c>.</param>
    /// <param name="publicKeyPem">The ECDSA P-256 public key (PEM <c>PUBLIC KEY</c>).</param>
    /// <param name="repository">When set, a provenance must name this source repository (URL, compared without <c>.git</c>, case-insensitively).</param>
    public async Task<VerifiedImage> VerifyAsync(string reference, string publicKeyPem, string? repository, CancellationToken cancellationToken)
    {
        var (registry, name, subject) = Parse(reference);
        using var key = PublicKey(publicKeyPem);
        var endpoint = RegistryEndpoint.Parse(registry, "DrydockVerifyImage");
        name = endpoint.Repository(name);
        using var client = new RegistryClient(endpoint.Name, store?.Find(endpoint.Name, name, cancellationToken), [$"repository:{name}:pull"], options, log);
        await client.ConnectAsync(cancellationToken).ConfigureAwait(false);

        var bundles = (await ReferrersAsync(client, name, subject, cancellationToken).ConfigureAwait(false))
            .Where(entry => OciJson.GetString(entry["artifactType"]) == SigstoreBundle.MediaType)
            .ToList();
        if (bundles.Count == 0)
        {
            throw new DrydockException(KnownCodes.VerifyNoAttestations, $"{reference} has no Sigstore bundle referrers in {endpoint.Name}/{name}: it was pushed unsigned (no DrydockSigningKey), by another tool, or to another repository.");
        }

        var statements = new List<JsonObject>();
        foreach (var entry in bundles)
        {
            var digest = OciJson.GetString(entry["digest"]) ?? "";
            statements.Add(await VerifyBundleAsync(client, name, subject, Digest.TryParse(digest, out var d) ? d : throw Invalid(reference, digest, "its referrers index names no digest"), key, reference, cancellationToken).ConfigureAwait(false));
            log.Detail($"Drydock: {digest} verified: {statements[^1]["predicateType"]}");
        }

        var results = statements.Where(s => OciJson.GetString(s["predicateType"]) == TestResultPredicate.Type).Select(s => s["predicate"]).ToList();
        var passed = results.Count(r => OciJson.GetString(r?["result"]) == "PASSED");
        if (passed == 0)
        {
            var failed = results.SelectMany(r => r?["failedTests"] as JsonArray ?? []).Select(OciJson.GetString).OfType<string>().Distinct().Take(10).ToList();
            throw new DrydockException(
                KnownCodes.VerifyNotPassed,
                results.Count == 0
                    ? $"{reference} has {statements.Count} verified attestation(s), but no test result: it was pushed untested. Deploy only an image whose tests passed."
                    : $"No test result of {reference} says PASSED ({results.Count} say FAILED; failed: {(failed.Count == 0 ? "unnamed" : string.Join(", ", failed))}). Deploy only an image whose tests passed.");
        }

        if (!string.IsNullOrEmpty(repository) && !statements.Any(s => OciJson.GetString(s["predicateType"]) == ProvenancePredicate.Type && NamesRepository(s["predicate"], repository)))
        {
            throw new DrydockException(KnownCodes.VerifyProvenanceMismatch, $"No verified provenance of {reference} names the repository {repository} (DrydockVerifyRepository): it was built from another repository, or a fork.");
        }

        return new VerifiedImage(reference, [.. statements.Select(s => OciJson.GetString(s["predicateType"]) ?? "")], passed);
    }

    /// <summary>The referrers index's entries: from the API, else from the referrers tag when that tag holds an index that is not the subject itself.</summary>
    private async Task<IReadOnlyList<JsonObject>> ReferrersAsync(RegistryClient client, string name, Digest subject, CancellationToken cancellationToken)
    {
        var bytes = await client.GetReferrersAsync(name, subject, cancellationToken).ConfigureAwait(false);
        if (bytes is null)
        {
            var tagged = await client.GetManifestAsync(name, ReferrerArtifact.ReferrersTag(subject), cancellationToken).ConfigureAwait(false);
            // A registry that normalizes the tag may answer with the subject itself: that is no referrers index.
            bytes = tagged is { } found && Digest.Of(found.Bytes) != subject ? found.Bytes : null;
            log.Detail($"Drydock: no referrers API; the referrers tag {(bytes is null ? "holds nothing usable" : "lists them")}");
        }

        var index = bytes is null ? null : OciJson.TryParseObject(bytes);
        return OciJson.GetString(index?["mediaType"]) is OciMediaTypes.ImageIndex or null && index?["manifests"] is JsonArray manifests
            ? [.. manifests.OfType<JsonObject>()]
            : [];
    }

    private static async Task<JsonObject> VerifyBundleAsync(RegistryClient client, string name, Digest subject, Digest referrer, ECDsa key, string reference, CancellationToken cancellationToken)
    {
        var manifest = OciJson.TryParseObject((await client.GetManifestAsync(name, referrer.ToString(), cancellationToken).ConfigureAwait(false))?.Bytes ?? [])
            ?? throw Invalid(reference, referrer.ToString(), "the registry has no such manifest");
        if (OciJson.GetString(manifest["subject"]?["digest"]) != subject.ToString())
        {
            throw Invalid(reference, referrer.ToString(), $"its subject is {OciJson.GetString(manifest["subject"]?["digest"]) ?? "missing"}");
        }

        var layer = (manifest["layers"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault();
        if (layer is null || !Digest.TryParse(OciJson.GetString(layer["digest"]), out var blob) || (layer["size"]?.GetValue<long>() ?? long.MaxValue) > MaxBundleBytes)
        {
            throw Invalid(reference, referrer.ToString(), "it has no bundle layer of a bundle's size");
        }

        var bundle = OciJson.TryParseObject(await client.GetBlobAsync(name, blob, cancellationToken).ConfigureAwait(false) ?? [])
            ?? throw Invalid(reference, referrer.ToString(), "its bundle is missing or not JSON");
        return VerifyBundle(bundle, key, subject) ?? throw Invalid(reference, referrer.ToString(), "its signature does not verify against DrydockVerifyKey, or its statement is about another digest");
    }

    /// <summary>The bundle's statement when a signature verifies against <paramref name="key"/> and the statement names <paramref name="subject"/>; else null.</summary>
    public static JsonObject? VerifyBundle(JsonObject bundle, ECDsa key, Digest subject)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(subject);
        var envelope = bundle["dsseEnvelope"];
        if (OciJson.GetString(envelope?["payloadType"]) != Dsse.InTotoPayloadType || OciJson.GetString(envelope?["payload"]) is not { } encoded)
        {
            return null;
        }

        byte[] payload;
        try
        {
            payload = Convert.FromBase64String(encoded);
        }
        catch (FormatException)
        {
            return null;
        }

        var pae = Dsse.Pae(Dsse.InTotoPayloadType, payload);
        var signed = (envelope!["signatures"] as JsonArray ?? []).Select(s => OciJson.GetString(s?["sig"])).OfType<string>().Any(sig =>
        {
            try
            {
                return key.VerifyData(pae, Convert.FromBase64String(sig), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
            }
            catch (Exception e) when (e is FormatException or CryptographicException)
            {
                return false;
            }
        });
        var statement = signed ? OciJson.TryParseObject(payload) : null;
        return statement is not null
            && OciJson.GetString(statement["_type"]) == Statement.Type
            && (statement["subject"] as JsonArray ?? []).Any(s => OciJson.GetString(s?["digest"]?["sha256"]) == subject.Hex)
            ? statement : null;
    }

    private static bool NamesRepository(JsonNode? provenance, string repository)
    {
        static string Normal(string url)
        {
            var plain = url.Trim().Replace("git+", "", StringComparison.Ordinal).Split('@')[0].TrimEnd('/');
            return plain.EndsWith(".git", StringComparison.OrdinalIgnoreCase) ? plain[..^4] : plain;
        }

        var wanted = Normal(repository);
        var named = new[] { OciJson.GetString(provenance?["buildDefinition"]?["externalParameters"]?["repository"]) }
            .Concat((provenance?["buildDefinition"]?["resolvedDependencies"] as JsonArray ?? []).Where(d => OciJson.GetString(d?["name"]) == "source").Select(d => OciJson.GetString(d?["uri"])))
            .OfType<string>();
        return named.Any(n => string.Equals(Normal(n), wanted, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary><c>registry/repository@sha256:hex</c> → its parts; DRY6040 otherwise.</summary>
    public static (string Registry, string Repository, Digest Subject) Parse(string reference)
    {
        var at = reference?.IndexOf('@', StringComparison.Ordinal) ?? -1;
        var slash = reference?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        if (reference is null || at < 0 || slash <= 0 || slash > at || !Digest.TryParse(reference[(at + 1)..], out var digest) || slash + 1 >= at)
        {
            throw new DrydockException(KnownCodes.VerifyInputInvalid, $"DrydockVerifyImage is '{reference}', not registry/repository@sha256:<64 hex>. Attestations are about a digest: take it from drydock.json (push.digest) or `skopeo inspect`.");
        }

        return (reference[..slash], reference[(slash + 1)..at], digest);
    }

    private static ECDsa PublicKey(string pem)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            if (key.KeySize != 256)
            {
                throw new CryptographicException("not P-256");
            }

            return key;
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new DrydockException(KnownCodes.VerifyInputInvalid, "DrydockVerifyKey holds no ECDSA P-256 public key in PEM ('PUBLIC KEY'). Give the public half of the signing key: `openssl pkey -in key.pem -pubout`.");
        }
    }

    private static DrydockException Invalid(string reference, string referrer, string why) =>
        new(KnownCodes.VerifySignatureInvalid, $"The attestation {referrer} of {reference} is not trusted: {why}. Nothing in it counts.");
}
