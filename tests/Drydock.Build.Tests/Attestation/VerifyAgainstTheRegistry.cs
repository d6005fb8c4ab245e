using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Drydock.Build.Attestation;
using Drydock.Build.Diagnostics;
using Drydock.Build.Oci;
using Drydock.Build.Oci.Registry;
using Drydock.Build.Tests.Oci;
using Drydock.Build.Tests.Support;
using Drydock.Tests.Registry;

namespace Drydock.Build.Tests.Attestation;

/// <summary>
/// <see cref="ImageVerifier"/> against the loopback registry (no referrers API: the tag fallback), with images pushed
/// and attested by Drydock's own pusher and attestor: a passed, signed image verifies; each way it can fail has its code.
/// </summary>
public sealed class VerifyAgainstTheRegistry : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly ListBuildLog _log = new();
    private readonly string _repository = "drydock-tests/verify-" + Guid.NewGuid().ToString("n")[..12];
    private readonly ECDsa _ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly OciArchive _archive;

    public VerifyAgainstTheRegistry() =>
        _archive = OciArchive.Open(new SdkArchiveFixture { AppFiles = new() { ["app/app.dll"] = Guid.NewGuid().ToString() } }.Write(_temp.File("image.tar")));

    public void Dispose()
    {
        _ecdsa.Dispose();
        _temp.Dispose();
    }

    private string Reference => $"{RegistryServer.SharedHost}/{_repository}@{_archive.ManifestDescriptor.Digest}";

    private string PublicKey => _ecdsa.ExportSubjectPublicKeyInfoPem();

    [Fact]
    public async Task ASignedPassedImage_Verifies_AndNamesItsRepository()
    {
        await Push(signed: true, result: "PASSED");

        var verified = await Verifier().VerifyAsync(Reference, PublicKey, "https://example.com/shop/api.git", CancellationToken.None);

        Assert.Equal(1, verified.PassedTestResults);
        Assert.Equal([TestResultPredicate.Type, ProvenancePredicate.Type], verified.PredicateTypes.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AFailedTestResult_IsDry6043()
    {
        await Push(signed: true, result: "FAILED");

        var error = await Assert.ThrowsAsync<DrydockException>(() => Verifier().VerifyAsync(Reference, PublicKey, null, CancellationToken.None));

        Assert.Equal(KnownCodes.VerifyNotPassed, error.Code);
        Assert.Contains("Shop.Tests.Fails", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnotherKey_IsDry6042()
    {
        await Push(signed: true, result: "PASSED");
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var error = await Assert.ThrowsAsync<DrydockException>(() => Verifier().VerifyAsync(Reference, other.ExportSubjectPublicKeyInfoPem(), null, CancellationToken.None));

        Assert.Equal(KnownCodes.VerifySignatureInvalid, error.Code);
    }

    [Fact]
    public async Task AnotherRepository_IsDry6044()
    {
        await Push(signed: true, result: "PASSED");

        var error = await Assert.ThrowsAsync<DrydockException>(() => Verifier().VerifyAsync(Reference, PublicKey, "https://example.com/fork/api", CancellationToken.None));

        Assert.Equal(KnownCodes.VerifyProvenanceMismatch, error.Code);
    }

    [Fact]
    public async Task UnsignedAttestations_AreDry6041()
    {
        await Push(signed: false, result: "PASSED");

        var error = await Assert.ThrowsAsync<DrydockException>(() => Verifier().VerifyAsync(Reference, PublicKey, null, CancellationToken.None));

        Assert.Equal(KnownCodes.VerifyNoAttestations, error.Code);
    }

    /// <summary>GitLab resolves <c>sha256-&lt;hex&gt;</c> to the subject itself (oras-go#1396): that manifest is never read as a referrers index.</summary>
    [Fact]
    public async Task AReferrersTagThatResolvesToTheSubject_IsNoIndex_Dry6041()
    {
        await Push(signed: true, result: "PASSED");
        await using var proxy = RegistryProxy.Start(new Uri($"http://{RegistryServer.SharedHost}/"));
        proxy.ResolvesDigestTags = true;

        var error = await Assert.ThrowsAsync<DrydockException>(() => Verifier().VerifyAsync($"{proxy.Host}/{_repository}@{_archive.ManifestDescriptor.Digest}", PublicKey, null, CancellationToken.None));

        Assert.Equal(KnownCodes.VerifyNoAttestations, error.Code);
        Assert.Contains(proxy.Requests, r => r.Path.Contains("/manifests/sha256-", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("localhost:5000/shop/api:1.0")]
    [InlineData("shop@sha256:abc")]
    [InlineData("")]
    public async Task ATagOrNoDigest_IsDry6040(string reference) =>
        Assert.Equal(KnownCodes.VerifyInputInvalid, (await Assert.ThrowsAsync<DrydockException>(() => Verifier().VerifyAsync(reference, PublicKey, null, CancellationToken.None))).Code);

    [Fact]
    public async Task APrivateKeyOrRsaAsTheVerifyKey_IsDry6040()
    {
        using var rsa = RSA.Create(2048);

        var error = await Assert.ThrowsAsync<DrydockException>(() => Verifier().VerifyAsync(Reference, rsa.ExportSubjectPublicKeyInfoPem(), null, CancellationToken.None));

        Assert.Equal(KnownCodes.VerifyInputInvalid, error.Code);
    }

    private ImageVerifier Verifier() => new(new RegistryOptions(), null, _log);

    private async Task Push(bool signed, string result)
    {
        var subject = _archive.ManifestDescriptor.Digest;
        var provenance = ProvenancePredicate.Create(new ProvenanceFacts
        {
            Project = "src/Shop.Api/Shop.Api.csproj",
            Configuration = "Release",
            RepositoryUrl = "https://example.com/shop/api",
            Revision = new string('a', 40),
            DrydockVersion = "1.0.0",
            LocalInvocationId = "local",
            StartedOn = DateTimeOffset.UnixEpoch,
            FinishedOn = DateTimeOffset.UnixEpoch,
        });
        var testResult = new JsonObject
        {
            ["result"] = result,
            ["configuration"] = new JsonArray(),
            ["passedTests"] = new JsonArray("Shop.Tests.Passes"),
            ["failedTests"] = result == "FAILED" ? new JsonArray("Shop.Tests.Fails") : new JsonArray(),
        };
        using var key = signed ? SigningKey.FromPem(_ecdsa.ExportPkcs8PrivateKeyPem(), "a test key") : null;
        var records = await new Attestor(key, _log).WriteAsync(
            _temp.File("attestations"),
            [new("shop/api", subject, ProvenancePredicate.Type, provenance), new("shop/api", subject, TestResultPredicate.Type, testResult)],
            CancellationToken.None);
        var referrers = records.Select(record =>
        {
            var (type, annotations, content) = AttestationReferrer.For(record);
            return new ReferrerContent(record.Bundle ?? record.Statement, subject, type, content, annotations);
        }).ToList();

        var pushed = await new ImagePusher(new RegistryOptions(), null, _log).PushAsync(
            _archive, new PushRequest { Registry = RegistryServer.SharedHost, Repository = _repository, Tags = ["1.0.0"], Referrers = referrers }, CancellationToken.None);

        Assert.All(pushed.Referrers, r => Assert.Null(r.Error));
    }
}
