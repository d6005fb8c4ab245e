using Drydock.Build.Diagnostics;
using Drydock.Build.Oci;
using Drydock.Build.Oci.Registry;
using Drydock.Build.Tests.Support;
using Drydock.Tests.Registry;

namespace Drydock.Build.Tests.Oci.Registry;

/// <summary>
/// A private distribution registry with htpasswd (bcrypt) basic auth over TLS, its CA made in the
/// test and trusted only through a certs.d folder, as podman and docker read them.
/// </summary>
public sealed class AuthenticatedPush : IAsyncLifetime, IDisposable
{
    private const string User = "ci-bot";
    private const string Password = "p4ss-Word-never-printed";
    private readonly TempDirectory _temp = new();
    private readonly ListBuildLog _log = new();
    private RegistryServer _server = null!;
    private OciArchive _archive = null!;

    public async Task InitializeAsync()
    {
        _server = await RegistryServer.StartAsync(new RegistryServerOptions { Tls = true, Users = [(User, Password)] });
        _archive = OciArchive.Open(new SdkArchiveFixture().Write(_temp.File("image.tar")));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task PushesWithBasicAuthOverTlsTrustedThroughCertsD()
    {
        var result = await Push(new RegistryCredential(User, Password, "test"), Trusting());

        Assert.True(result.Verified);
        Assert.Equal(["1.0.0"], result.Tags);
        Assert.Equal(_archive.ManifestDescriptor.Digest.ToString(), await ServedDigest("app", "1.0.0"));
        Assert.StartsWith("https://", _log.Details.Single(line => line.StartsWith("Drydock: pushing", StringComparison.Ordinal)).Split(" to ")[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWrongPasswordFailsClearlyAndPushesNothing()
    {
        var error = await Assert.ThrowsAsync<DrydockException>(() => Push(new RegistryCredential(User, "wrong-password-xyz", "DRYDOCK_REGISTRY_USER"), Trusting()));

        Assert.Equal(KnownCodes.RegistryUnauthorized, error.Code);
        Assert.Contains("refused the user name and password from DRYDOCK_REGISTRY_USER", error.Message);
        Assert.DoesNotContain("wrong-password-xyz", error.ToString());
        Assert.DoesNotContain(_log.All, line => line.Contains("wrong-password-xyz", StringComparison.Ordinal));
        using var client = _server.CreateClient((User, Password));
        using var tags = await client.GetAsync(new Uri(_server.BaseUri, "v2/app/tags/list"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, tags.StatusCode);
    }

    [Fact]
    public async Task NoCredentialsSaysNoneWereFound()
    {
        var error = await Assert.ThrowsAsync<DrydockException>(() => Push(null, Trusting()));

        Assert.Equal(KnownCodes.RegistryUnauthorized, error.Code);
        Assert.Contains("none were found", error.Message);
        Assert.Contains("DRYDOCK_REGISTRY_USER", error.Message);
    }

    [Fact]
    public async Task AnUntrustedCertificateIsATlsErrorNotAFallbackToHttp()
    {
        var error = await Assert.ThrowsAsync<DrydockException>(() => Push(new RegistryCredential(User, Password, "test"), new RegistryOptions { Retry = Fast }));

        Assert.Equal(KnownCodes.RegistryTlsFailed, error.Code);
        Assert.Contains("certs.d", error.Message);
        Assert.Contains("DOTNET_CONTAINER_INSECURE_REGISTRIES", error.Message);
    }

    [Fact]
    public async Task ARegistryListedAsInsecureIsNotVerified()
    {
        var result = await Push(new RegistryCredential(User, Password, "test"), new RegistryOptions { Retry = Fast, InsecureRegistries = [_server.Host] });

        Assert.True(result.Verified);
    }

    private static RetryPolicy Fast => new(2, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(50));

    private RegistryOptions Trusting() => new() { Retry = Fast, CertificateDirectories = [_server.CertsDirectory!] };

    private Task<PushResult> Push(RegistryCredential? credential, RegistryOptions options) =>
        new ImagePusher(options, credential, _log).PushAsync(
            _archive, new PushRequest { Registry = _server.Host, Repository = "app", Tags = ["1.0.0"] }, CancellationToken.None);

    private async Task<string> ServedDigest(string repository, string tag)
    {
        using var client = _server.CreateClient((User, Password));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_server.BaseUri, $"v2/{repository}/manifests/{tag}"));
        request.Headers.Accept.ParseAdd(OciMediaTypes.ImageManifest);
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return Digest.Of(await response.Content.ReadAsByteArrayAsync()).ToString();
    }
}
