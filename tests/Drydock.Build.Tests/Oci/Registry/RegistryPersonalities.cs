using Drydock.Build.Oci;
using Drydock.Build.Oci.Registry;
using Drydock.Build.Tests.Support;
using Drydock.Tests.Registry;

namespace Drydock.Build.Tests.Oci.Registry;

/// <summary>
/// Hosted registries as they really answer (docs/registries.md), each played by the loopback proxy in front of the
/// real registry eng/setup.sh runs, and a whole push through it. Each test is named after the public report of a
/// client that failed on that behaviour: owner_repository_number.
/// </summary>
public sealed class RegistryPersonalities : IAsyncLifetime, IDisposable
{
    private const string User = "robot";
    private const string Password = "personality-secret";

    private readonly TempDirectory _temp = new();
    private readonly ListBuildLog _log = new();
    private readonly string _repository = "drydock-tests/personality-" + Guid.NewGuid().ToString("n")[..12];
    private RegistryProxy _proxy = null!;
    private OciArchive _archive = null!;

    public Task InitializeAsync()
    {
        _proxy = RegistryProxy.Start(new Uri($"http://{RegistryServer.SharedHost}/"));
        _archive = OciArchive.Open(new SdkArchiveFixture { AppFiles = new() { ["app/app.dll"] = Guid.NewGuid().ToString() } }.Write(_temp.File("image.tar")));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    public void Dispose() => _temp.Dispose();

    private string Tested => _archive.ManifestDescriptor.Digest.ToString();

    /// <summary>ECR: no Docker-Content-Digest on manifest answers, no Location on the manifest PUT. The re-read hashes the body.</summary>
    [Fact]
    public async Task Ecr_ManifestAnswersWithoutDigest_aws_containers_roadmap_1931()
    {
        _proxy.When("HEAD", "/manifests/", ProxyFault.RemoveHeaders("Docker-Content-Digest"), times: 100);
        _proxy.When("GET", "/manifests/", ProxyFault.RemoveHeaders("Docker-Content-Digest"), times: 100);
        _proxy.When("PUT", "/manifests/", ProxyFault.RemoveHeaders("Docker-Content-Digest", "Location"), times: 100);

        var result = await Push();

        Assert.True(result.Verified);
        Assert.Equal(["1.0.0", "sha-abc1234"], result.Tags);
        Assert.True(_proxy.CountOf("GET", $"/manifests/{Tested}") >= 1, "the re-read must fall back to GET");
        Assert.Contains(_log.Details, line => line.Contains("without Docker-Content-Digest", StringComparison.Ordinal));
        Assert.Equal(Tested, await RegistryDigest("sha-abc1234"));
    }

    /// <summary>The same image pushed again through ECR's answers: the HEAD without a digest still shows it is there.</summary>
    [Fact]
    public async Task Ecr_RepushSeesTheManifestByItsBody_distribution_distribution_3792()
    {
        await Push();
        _proxy.Clear();
        _proxy.When("HEAD", "/manifests/", ProxyFault.RemoveHeaders("Docker-Content-Digest"), times: 100);

        var again = await Push();

        Assert.Equal(_archive.Layers.Count + 1, again.BlobsPresent);
        Assert.Equal(0, _proxy.CountOf("POST", "/blobs/uploads/"));
    }

    /// <summary>GHCR: bearer tokens, upload Locations relative to the registry.</summary>
    [Fact]
    public async Task Ghcr_RelativeUploadLocation_apple_swift_container_plugin_43()
    {
        _proxy.RequireBearer(User, Password);
        _proxy.RelativeLocations = true;

        var result = await Push(Credential);

        Assert.True(result.Verified);
        Assert.Contains(_proxy.Requests, r => r.Method == "PUT" && r.Path.Contains("/blobs/uploads/", StringComparison.Ordinal) && r.Status == 201);
        Assert.Equal(Tested, await RegistryDigest("1.0.0"));
    }

    /// <summary>Google Artifact Registry: upload Locations on another path than /v2/, used as given, with the registry's token.</summary>
    [Fact]
    public async Task ArtifactRegistry_UploadLocationOutsideV2_oras_project_rust_oci_client_175()
    {
        _proxy.RequireBearer(User, Password);
        _proxy.UploadPathPrefix = "/artifacts-uploads/namespaces/project/repositories/repo/uploads";

        var result = await Push(Credential);

        Assert.True(result.Verified);
        var uploads = _proxy.Requests.Where(r => r.Method == "PUT" && r.Path.StartsWith("/artifacts-uploads/", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(uploads);
        Assert.All(uploads, r => Assert.Equal(201, r.Status));
        Assert.All(uploads, r => Assert.NotNull(r.Header("Authorization")));
        Assert.Equal(Tested, await RegistryDigest("1.0.0"));
    }

    /// <summary>ACR: the token server answers <c>access_token</c> only (OAuth 2 style), without <c>token</c>.</summary>
    [Fact]
    public async Task Acr_TokenOnlyInAccessToken_google_go_containerregistry_54()
    {
        _proxy.RequireBearer(User, Password);
        _proxy.Tokens.TokenFields = ["access_token"];

        var result = await Push(Credential);

        Assert.True(result.Verified);
        Assert.Contains(_proxy.TokenRequests, t => t.Status == 200);
    }

    /// <summary>Docker Hub and Quay answer both fields; a registry may leave out <c>expires_in</c> (then 60 s).</summary>
    [Fact]
    public async Task TokenFieldOnlyAndNoExpiry_containerd_overlaybd_35()
    {
        _proxy.RequireBearer(User, Password);
        _proxy.Tokens.TokenFields = ["token"];
        _proxy.Tokens.OmitExpiresIn = true;

        var result = await Push(Credential);

        Assert.True(result.Verified);
        Assert.Contains(_log.Details, line => line.Contains("valid 60 s", StringComparison.Ordinal));
    }

    /// <summary>
    /// ACR and registries on object storage answer blob requests with 307 to storage on another host, whose URL is signed:
    /// the redirect is followed, and the registry's token never goes there.
    /// </summary>
    [Fact]
    public async Task Acr_BlobRedirectToStorageGetsNoCredentials_Azure_azure_sdk_for_js_20957()
    {
        _proxy.RequireBearer(User, Password);
        _proxy.When("HEAD", "/blobs/sha256:", ProxyFault.Redirect(307, toStorage: true), times: 100);
        _proxy.When("PUT", "/blobs/uploads/", ProxyFault.Redirect(307, toStorage: true), times: 100);

        var result = await Push(Credential);

        Assert.True(result.Verified);
        var onStorage = _proxy.Requests.Where(r => string.Equals(r.Header("Host"), _proxy.StorageHost, StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.Contains(onStorage, r => r.Method == "HEAD");
        Assert.Contains(onStorage, r => r.Method == "PUT" && r.Status == 201);
        Assert.All(onStorage, r => Assert.Null(r.Header("Authorization")));
        Assert.All(_proxy.Requests.Where(r => r.Method == "PUT" && r.Status == 307), r => Assert.NotNull(r.Header("Authorization")));
        Assert.Equal(Tested, await RegistryDigest("1.0.0"));
    }

    /// <summary>An upload start redirected to another host whose answer has a relative Location: it resolves against that host.</summary>
    [Fact]
    public async Task UploadRedirectedThenRelativeLocation_ResolvesAgainstTheRedirectTarget_containerd_containerd_11949()
    {
        _proxy.RelativeLocations = true;
        _proxy.When("POST", "/blobs/uploads/", ProxyFault.Redirect(307, toStorage: true), times: 100);

        var result = await Push();

        Assert.True(result.Verified);
        var puts = _proxy.Requests.Where(r => r.Method == "PUT" && r.Path.Contains("/blobs/uploads/", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(puts);
        Assert.All(puts, r => Assert.Equal(_proxy.StorageHost, r.Header("Host"), StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>A relative redirect (same host) keeps the credentials: only another origin loses them.</summary>
    [Fact]
    public async Task RelativeRedirectOnTheRegistry_KeepsCredentials_opencontainers_distribution_spec_79()
    {
        _proxy.RequireBearer(User, Password);
        _proxy.When("HEAD", "/blobs/sha256:", ProxyFault.Redirect(307, toStorage: false), times: 1);

        var result = await Push(Credential);

        Assert.True(result.Verified);
        var redirected = _proxy.Requests.First(r => r.Status == 307);
        Assert.Contains(_proxy.Requests, r => r.Method == "HEAD" && r.Target == redirected.Target && r.Status != 307 && r.Header("Authorization") is not null);
    }

    /// <summary>
    /// ACR after <c>az acr login</c> and Docker Hub after a browser login keep an identity (refresh) token, not a password:
    /// it is exchanged with a POST <c>grant_type=refresh_token</c> form, never sent as Basic.
    /// </summary>
    [Fact]
    public async Task Acr_IdentityTokenExchangedByPost_google_go_containerregistry_54()
    {
        _proxy.RequireBearer(User, Password);
        _proxy.Tokens.TokenFields = ["access_token"];
        var refresh = await RefreshToken();
        _proxy.Clear();

        var result = await Push(new RegistryCredential(RegistryCredential.IdentityTokenUser, refresh, "~/.docker/config.json (identitytoken)"));

        Assert.True(result.Verified);
        Assert.NotEmpty(_proxy.TokenRequests);
        Assert.All(_proxy.TokenRequests, t => Assert.Equal(("POST", "refresh_token", false, 200), (t.Method, t.GrantType, t.BasicAuthPresented, t.Status)));
        Assert.DoesNotContain(_log.All, line => line.Contains(refresh, StringComparison.Ordinal));
    }

    /// <summary>A token realm that redirects on its own host is followed with the credentials; one to another host gets none.</summary>
    [Fact]
    public async Task TokenRealmRedirects_CredentialsStayOnTheRealmsHost_Azure_azure_sdk_for_js_20957()
    {
        _proxy.RequireBearer(User, Password);
        _proxy.When("GET", "^/token", ProxyFault.Redirect(307, toStorage: false), times: 1);

        var result = await Push(Credential);

        Assert.True(result.Verified);
        Assert.Single(_proxy.Requests, r => r.Path == "/token" && r.Status == 307);
        Assert.All(_proxy.TokenRequests, t => Assert.True(t.BasicAuthPresented));

        _proxy.ExpireTokens();
        _proxy.Clear();
        _proxy.When("GET", "^/token", ProxyFault.Redirect(307, toStorage: true), times: 100);

        var refused = await Assert.ThrowsAsync<Drydock.Build.Diagnostics.DrydockException>(() => Push(Credential));

        Assert.Equal(Drydock.Build.Diagnostics.KnownCodes.RegistryUnauthorized, refused.Code);
        Assert.All(_proxy.TokenRequests, t => Assert.False(t.BasicAuthPresented));
    }

    /// <summary>
    /// GitLab and Docker Hub: the realm is another host (gitlab.example.com/jwt/auth for registry.gitlab.example.com).
    /// The registry's own login goes to the realm the challenge names; nothing is looked up for the realm's host.
    /// </summary>
    [Fact]
    public async Task GitLab_RealmOnAnotherHost_GetsTheRegistrysLogin_dotnet_sdk_container_builds_284()
    {
        _proxy.RealmOnStorageHost = true;
        _proxy.RequireBearer(User, Password);

        var result = await Push(Credential);

        Assert.True(result.Verified);
        Assert.Contains(_proxy.Requests, r => r.Path == "/token" && string.Equals(r.Header("Host"), _proxy.StorageHost, StringComparison.OrdinalIgnoreCase));
        Assert.All(_proxy.TokenRequests, t => Assert.True(t.BasicAuthPresented));
        Assert.Contains(_proxy.TokenRequests, t => t.Status == 200);
    }

    /// <summary>
    /// Harbor's robot accounts are <c>robot$project+name</c>, Quay's <c>org+name</c>; <c>podman login host/project</c>
    /// writes a namespaced key. The login is found by the repository's namespace, and the odd user name passes intact.
    /// </summary>
    [Theory]
    [InlineData("robot$drydock-tests+ci")]
    [InlineData("drydock-tests+deployer")]
    public async Task Harbor_RobotAccountUnderANamespacedKey_goharbor_harbor_7944(string robot)
    {
        _proxy.RequireBearer(robot, Password);
        using var sandbox = new CredentialSandbox();
        sandbox.PodmanAuth($$"""
            {"auths":{
              "{{_proxy.Host}}": {"auth":"{{CredentialSandbox.Auth("someone-else", "wrong")}}"},
              "{{_proxy.Host}}/drydock-tests": {"auth":"{{CredentialSandbox.Auth(robot, Password)}}"}
            } }
            """);

        var result = await new ImagePusher(Options, _log).PushAsync(
            _archive,
            new PushRequest { Registry = _proxy.Host, Repository = _repository, Tags = ["1.0.0"] },
            new CredentialStore(sandbox.Environment, sandbox.Home),
            CancellationToken.None);

        Assert.True(result.Verified);
        Assert.All(_proxy.TokenRequests, t => Assert.Equal(200, t.Status));
        Assert.Contains(_log.Details, line => line.Contains($"credentials for {_proxy.Host}: {robot} (from ", StringComparison.Ordinal));
    }

    /// <summary>A refresh token from the token server, as <c>docker login</c> gets one (<c>offline_token=true</c>).</summary>
    private async Task<string> RefreshToken()
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_proxy.TokenRealm, $"?service={RegistryProxy.Service}&offline_token=true&client_id=test"));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{User}:{Password}")));
        using var response = await http.SendAsync(request);
        var body = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return (string?)body["refresh_token"] ?? throw new InvalidOperationException($"no refresh token: {body}");
    }

    private static RegistryCredential Credential => new(User, Password, "test");

    private static RegistryOptions Options => new() { Retry = new RetryPolicy(3, TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(5)) };

    private Task<PushResult> Push(RegistryCredential? credential = null) =>
        new ImagePusher(Options, credential, _log).PushAsync(
            _archive,
            new PushRequest { Registry = _proxy.Host, Repository = _repository, Tags = ["1.0.0", "sha-abc1234"] },
            CancellationToken.None);

    /// <summary>The digest of what the registry itself serves under the tag (bypassing the proxy).</summary>
    private Task<string?> RegistryDigest(string tag) => RegistryServer.SharedDigestAsync(_repository, tag);
}
