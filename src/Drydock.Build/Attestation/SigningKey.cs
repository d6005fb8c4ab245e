using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Drydock.Build.Diagnostics;

namespace Drydock.Build.Attestation;

/// <summary>
/// An ECDSA P-256 private key from PEM (PKCS#8 <c>PRIVATE KEY</c> or SEC 1 <c>EC PRIVATE KEY</c>, as
/// <c>openssl ecparam -genkey</c> and <c>cosign generate-key-pair</c>'s unencrypted export write), signing with
/// SHA-256 and DER (RFC 3279) signatures, as sigstore's verifiers require. The key id is the lowercase hex
/// SHA-256 of the public key's DER SubjectPublicKeyInfo. Bad keys are DRY2030–DRY2033 with messages that name
/// where the key came from, never its content.
/// </summary>
public sealed class SigningKey : IAttestationSigner, IDisposable
{
    private readonly ECDsa _key;

    private SigningKey(ECDsa key)
    {
        _key = key;
        PublicKeyDer = key.ExportSubjectPublicKeyInfo();
        KeyId = Convert.ToHexStringLower(SHA256.HashData(PublicKeyDer));
    }

    /// <summary>Lowercase hex SHA-256 of <see cref="PublicKeyDer"/>.</summary>
    public string KeyId { get; }

    /// <summary>The public key's DER SubjectPublicKeyInfo.</summary>
    public byte[] PublicKeyDer { get; }

    /// <summary>The public key as PEM (<c>PUBLIC KEY</c>), what verifiers are given.</summary>
    public string PublicKeyPem => PemEncoding.WriteString("PUBLIC KEY", PublicKeyDer);

    /// <summary>The variable that holds the key's PEM itself, as CI secrets are given.</summary>
    public const string Variable = "DRYDOCK_SIGNING_KEY";

    /// <summary>
    /// The key a publish signs with: the file <paramref name="path"/> (<c>DrydockSigningKey</c>), else the PEM in
    /// <see cref="Variable"/>, else none (unsigned). Read by the attestation step and, to stop a publish before anything
    /// is built, right after the metadata.
    /// </summary>
    /// <exception cref="DrydockException">DRY2030–DRY2033 for a bad key; DRY2034 for none when <paramref name="required"/> (<c>DrydockRequireSigning</c>).</exception>
    public static SigningKey? Resolve(string? path, Func<string, string?> environment, bool required)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var key = !string.IsNullOrEmpty(path) ? FromFile(path)
            : environment(Variable) is { Length: > 0 } pem ? FromPem(pem, $"the {Variable} variable")
            : null;
        return key is null && required
            ? throw new DrydockException(KnownCodes.SigningKeyRequired, $"DrydockRequireSigning is true, but no signing key is given: nothing is pushed. Set DrydockSigningKey to a PEM file of an ECDSA P-256 private key, or the {Variable} variable to the PEM (a CI secret).")
            : key;
    }

    /// <summary>Reads the key from a file (<c>DrydockSigningKey</c>).</summary>
    public static SigningKey FromFile(string path)
    {
        string pem;
        try
        {
            pem = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new DrydockException(
                KnownCodes.SigningKeyUnreadable,
                $"The signing key file '{path}' (DrydockSigningKey) could not be read ({e.GetType().Name}). Point DrydockSigningKey at a readable PEM file of an ECDSA P-256 private key, or set DRYDOCK_SIGNING_KEY to the PEM itself.");
        }

        return FromPem(pem, $"the file '{path}' (DrydockSigningKey)");
    }

    /// <summary>Reads the key from PEM text; <paramref name="source"/> names where it came from in messages.</summary>
    public static SigningKey FromPem(string pem, string source)
    {
        ArgumentNullException.ThrowIfNull(pem);
        if (pem.Contains("ENCRYPTED", StringComparison.Ordinal) || pem.Contains("Proc-Type: 4,ENCRYPTED", StringComparison.Ordinal))
        {
            throw new DrydockException(
                KnownCodes.SigningKeyEncrypted,
                $"The signing key in {source} is encrypted; Drydock takes no key password. Give it the unencrypted PEM from a CI secret (DRYDOCK_SIGNING_KEY), e.g. `openssl pkcs8 -topk8 -nocrypt -in key.pem`.");
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            var what = pem.Contains("RSA PRIVATE KEY", StringComparison.Ordinal) || pem.Contains("BEGIN PRIVATE KEY", StringComparison.Ordinal)
                ? (KnownCodes.SigningKeyNotP256, "is not an ECDSA key")
                : (KnownCodes.SigningKeyMalformed, "holds no readable PEM private key (PKCS#8 'PRIVATE KEY' or SEC 1 'EC PRIVATE KEY')");
            throw new DrydockException(what.Item1, $"The signing key in {source} {what.Item2}. Generate an ECDSA P-256 key: `openssl ecparam -name prime256v1 -genkey -noout -out key.pem`.");
        }

        ECParameters parameters;
        try
        {
            parameters = key.ExportParameters(includePrivateParameters: true);
        }
        catch (CryptographicException)
        {
            key.Dispose();
            throw new DrydockException(KnownCodes.SigningKeyMalformed, $"The signing key in {source} is a public key or holds no private part. DrydockSigningKey and DRYDOCK_SIGNING_KEY take the private key; verifiers take the public one.");
        }

        var curve = parameters.Curve;
        CryptographicOperations.ZeroMemory(parameters.D);
        if (!curve.IsNamed || curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
        {
            key.Dispose();
            throw new DrydockException(
                KnownCodes.SigningKeyNotP256,
                $"The signing key in {source} is on the curve {curve.Oid.FriendlyName ?? curve.Oid.Value ?? "(explicit parameters)"}, not P-256 (prime256v1): Sigstore bundles are verified with ECDSA P-256 and SHA-256. Generate one with `openssl ecparam -name prime256v1 -genkey -noout -out key.pem`.");
        }

        return new SigningKey(key);
    }

    public Task<DsseSignature> SignAsync(byte[] pae, CancellationToken cancellationToken) =>
        Task.FromResult(new DsseSignature(_key.SignData(pae, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence), KeyId));

    public JsonObject VerificationMaterial(DsseSignature signature) => new()
    {
        ["publicKey"] = new JsonObject { ["hint"] = KeyId },
        ["tlogEntries"] = new JsonArray(),
    };

    /// <summary>Never the key: what it is, for logs.</summary>
    public override string ToString() => $"ECDSA P-256 key {KeyId}";

    public void Dispose() => _key.Dispose();
}
