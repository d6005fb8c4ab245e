using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Drydock.Build.Attestation;
using Drydock.Build.Oci;
using Drydock.Build.Tests.Support;
using Drydock.Tests.Verifiers;

namespace Drydock.Build.Tests.Attestation;

/// <summary>Bundles Drydock signs, judged by sigstore-js and securesystemslib: they verify; a tampered payload or another key does not.</summary>
public sealed class SignedBundles : IDisposable
{
    private static readonly Digest Subject = Digest.Of("manifest"u8);
    private readonly TempDirectory _temp = new();
    private readonly ECDsa _ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public void Dispose()
    {
        _ecdsa.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public async Task ASignedStatement_VerifiesInSigstoreJsAndSecureSystemsLib()
    {
        var (bundle, publicKey) = await Sign();

        var statement = JsonNode.Parse(ThirdPartyVerifiers.SigstoreJs(bundle, publicKey))!;
        var again = ThirdPartyVerifiers.SecureSystemsLib(bundle, publicKey);

        Assert.Equal("https://in-toto.io/Statement/v1", (string?)statement["_type"]);
        Assert.Equal(Subject.Hex, (string?)statement["subject"]![0]!["digest"]!["sha256"]);
        Assert.Equal("PASSED", (string?)statement["predicate"]!["result"]);
        Assert.Equal(statement.ToJsonString(), JsonNode.Parse(again)!.ToJsonString());
        var json = JsonNode.Parse(File.ReadAllText(bundle))!;
        Assert.Equal(SigstoreBundle.MediaType, (string?)json["mediaType"]);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(_ecdsa.ExportSubjectPublicKeyInfo())), (string?)json["verificationMaterial"]!["publicKey"]!["hint"]);
    }

    [Fact]
    public async Task ATamperedPayload_FailsInBoth()
    {
        var (bundle, publicKey) = await Sign();
        var json = JsonNode.Parse(File.ReadAllText(bundle))!;
        var payload = Encoding.UTF8.GetString(Convert.FromBase64String((string)json["dsseEnvelope"]!["payload"]!)).Replace("PASSED", "FAILED", StringComparison.Ordinal);
        json["dsseEnvelope"]!["payload"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(payload));
        File.WriteAllText(bundle, json.ToJsonString());

        Assert.Throws<VerificationFailedException>(() => ThirdPartyVerifiers.SigstoreJs(bundle, publicKey));
        Assert.Throws<VerificationFailedException>(() => ThirdPartyVerifiers.SecureSystemsLib(bundle, publicKey));
    }

    [Fact]
    public async Task AnotherKey_FailsInBoth()
    {
        var (bundle, _) = await Sign();
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var otherKey = _temp.Write("other.pem", other.ExportSubjectPublicKeyInfoPem());

        Assert.Throws<VerificationFailedException>(() => ThirdPartyVerifiers.SigstoreJs(bundle, otherKey));
        Assert.Throws<VerificationFailedException>(() => ThirdPartyVerifiers.SecureSystemsLib(bundle, otherKey));
    }

    [Fact]
    public async Task WithoutAKey_TheStatementIsWrittenAndNoBundle()
    {
        var records = await new Attestor(null, new ListBuildLog()).WriteAsync(_temp.File("out"), [Request()], CancellationToken.None);

        var record = Assert.Single(records);
        Assert.False(record.IsSigned);
        Assert.Null(record.Bundle);
        Assert.Equal("https://in-toto.io/Statement/v1", (string?)JsonNode.Parse(File.ReadAllText(record.Statement))!["_type"]);
    }

    private async Task<(string Bundle, string PublicKey)> Sign()
    {
        using var key = SigningKey.FromPem(_ecdsa.ExportPkcs8PrivateKeyPem(), "a test key");
        var records = await new Attestor(key, new ListBuildLog()).WriteAsync(_temp.File("out"), [Request()], CancellationToken.None);
        var record = Assert.Single(records);
        Assert.True(record.IsSigned);
        return (record.Bundle!, _temp.Write("public.pem", key.PublicKeyPem));
    }

    private static AttestationRequest Request() => new(
        "localhost:5000/shop/api",
        Subject,
        TestResultPredicate.Type,
        new JsonObject { ["result"] = "PASSED", ["configuration"] = new JsonArray(), ["passedTests"] = new JsonArray("A.B.C") });
}
