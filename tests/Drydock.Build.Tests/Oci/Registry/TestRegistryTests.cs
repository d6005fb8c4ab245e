using Drydock.Processes;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Drydock.Build.Tests.Support;
using Drydock.Tests.Registry;

namespace Drydock.Build.Tests.Oci.Registry;

/// <summary>
/// Proves the registry test infrastructure (tests/Shared/Registry) does what registry-client tests
/// will rely on: a real distribution registry with TLS and htpasswd, and a proxy that forwards,
/// injects faults and plays a bearer token server.
/// </summary>
public sealed class TestRegistryTests
{
    private static readonly RegistryServerOptions TlsWithUser = new() { Tls = true, Users = [("alice", "s3cret")] };

    [Fact]
    public async Task TlsHtpasswdServer_AnswersOnlyWithCredentials_AndOnlyToClientsTrustingItsCa()
    {
        await using var server = await RegistryServer.StartAsync(TlsWithUser);
        using var anonymous = server.CreateClient();
        using var alice = server.CreateClient(("alice", "s3cret"));
        using var machineTrust = new HttpClient { BaseAddress = server.BaseUri, Timeout = TimeSpan.FromSeconds(10) };

        using var challenged = await anonymous.GetAsync(new Uri("v2/", UriKind.Relative));
        using var allowed = await alice.GetAsync(new Uri("v2/", UriKind.Relative));
        var untrusted = await Assert.ThrowsAsync<HttpRequestException>(() => machineTrust.GetAsync(new Uri("v2/", UriKind.Relative)));

        Assert.Equal("https", server.Scheme);
        Assert.Equal(HttpStatusCode.Unauthorized, challenged.StatusCode);
        Assert.Equal("Basic", challenged.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Contains("SSL", untrusted.Message, StringComparison.OrdinalIgnoreCase);
        Assert.True(File.Exists(Path.Combine(server.CertsDirectory!, server.Host, "ca.crt")));
    }

    [Fact]
    public async Task Skopeo_CopiesAnImage_IntoTlsHtpasswdServer()
    {
        await using var server = await RegistryServer.StartAsync(TlsWithUser);
        using var temp = new TempDirectory();
        var image = new TestImage();
        var layout = image.WriteLayout(temp.File("layout"), "v1");

        var copy = await ProcessRunner.RunAsync("skopeo",
            ["--insecure-policy", "copy", "--dest-cert-dir", server.CertDirectory!, "--dest-creds", "alice:s3cret",
             $"oci:{layout}:v1", $"docker://{server.Host}/drydock/tiny:1"],
            TimeSpan.FromSeconds(60),
            CancellationToken.None);
        using var alice = server.CreateClient(("alice", "s3cret"));
        using var withoutAccept = await alice.SendAsync(new HttpRequestMessage(HttpMethod.Head, "v2/drydock/tiny/manifests/1"));
        using var head = new HttpRequestMessage(HttpMethod.Head, "v2/drydock/tiny/manifests/1");
        head.Headers.Accept.ParseAdd(TestImage.ManifestMediaType);
        using var manifest = await alice.SendAsync(head);

        Assert.True(copy.Succeeded, copy.StandardError + server.ReadLog());
        Assert.Equal(HttpStatusCode.NotFound, withoutAccept.StatusCode); // distribution 2.8 hides OCI manifests from clients that do not Accept them
        Assert.Equal(HttpStatusCode.OK, manifest.StatusCode);
        Assert.Equal(image.ManifestDigest, manifest.Headers.GetValues("Docker-Content-Digest").Single());
    }

    [Fact]
    public async Task Skopeo_PushesThroughBearerProxy_UsingItsTokenServer()
    {
        await using var server = await RegistryServer.StartAsync();
        await using var proxy = RegistryProxy.Start(server);
        proxy.RequireBearer("bob", "hunter2");
        using var temp = new TempDirectory();
        var layout = new TestImage().WriteLayout(temp.File("layout"), "v1");

        var copy = await ProcessRunner.RunAsync("skopeo",
            ["--insecure-policy", "copy", "--dest-tls-verify=false", "--dest-creds", "bob:hunter2",
             $"oci:{layout}:v1", $"docker://{proxy.Host}/drydock/tiny:1"],
            TimeSpan.FromSeconds(60),
            CancellationToken.None);

        Assert.True(copy.Succeeded, copy.StandardError);
        Assert.Contains(proxy.TokenRequests, request => request.Status == 200 && request.Scopes.Contains("repository:drydock/tiny:pull,push"));
        Assert.Contains(proxy.Requests, request => request.Method == "PUT" && request.Path == "/v2/drydock/tiny/manifests/1" && request.Status == 201);
    }

    [Fact]
    public async Task Proxy_ForwardsAPush_AndRewritesUpstreamLocations()
    {
        await using var server = await RegistryServer.StartAsync();
        await using var proxy = RegistryProxy.Start(server);
        using var client = new HttpClient { BaseAddress = proxy.BaseUri, Timeout = TimeSpan.FromSeconds(30) };
        var image = new TestImage();

        using var ping = await client.GetAsync(new Uri("v2/", UriKind.Relative));
        await PushAsync(client, "drydock/tiny", image, "1");
        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"v2/drydock/tiny/blobs/{TestImage.Digest(image.Layer)}"));

        Assert.Equal(HttpStatusCode.OK, ping.StatusCode);
        Assert.Equal(image.Layer.Length, head.Content.Headers.ContentLength);
        Assert.All(proxy.Requests.Where(request => request.Method == "PUT"), request => Assert.StartsWith("/v2/drydock/tiny/", request.Target, StringComparison.Ordinal));
        Assert.Contains(proxy.Requests, request => request.Method == "PUT" && request.Status == 201 && request.BodyBytes == image.Layer.Length);
        Assert.Equal(1, proxy.CountOf("PUT", "/manifests/1"));
    }

    [Fact]
    public async Task Proxy_StatusRule_FiresExactlyItsCount_ThenPassesThrough()
    {
        await using var server = await RegistryServer.StartAsync();
        await using var proxy = RegistryProxy.Start(server);
        using var client = new HttpClient { BaseAddress = proxy.BaseUri, Timeout = TimeSpan.FromSeconds(30) };
        var rule = proxy.Respond("GET", "^/v2/$", 429, times: 2, ("Retry-After", "1"));

        var statuses = new List<HttpStatusCode>();
        string? retryAfter = null;
        for (var i = 0; i < 3; i++)
        {
            using var response = await client.GetAsync(new Uri("v2/", UriKind.Relative));
            statuses.Add(response.StatusCode);
            retryAfter ??= response.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        Assert.Equal([HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests, HttpStatusCode.OK], statuses);
        Assert.Equal("1", retryAfter);
        Assert.Equal(2, rule.Fired);
        Assert.Equal([429, 429, 200], proxy.Requests.Select(request => request.Status));
    }

    [Fact]
    public async Task Proxy_BearerMode_ChallengesIssuesTokensAndExpiresThemOnDemand()
    {
        await using var server = await RegistryServer.StartAsync();
        await using var proxy = RegistryProxy.Start(server);
        proxy.RequireBearer("bob", "hunter2");
        using var client = new HttpClient { BaseAddress = proxy.BaseUri, Timeout = TimeSpan.FromSeconds(30) };
        var tagsList = new Uri("v2/drydock/tiny/tags/list", UriKind.Relative);

        using var challenged = await client.GetAsync(tagsList);
        var challenge = challenged.Headers.WwwAuthenticate.Single();
        using var refused = await client.GetAsync(new Uri("token?service=drydock-test&scope=repository:drydock/tiny:pull,push", UriKind.Relative));
        var token = await FetchTokenAsync(client, "repository:drydock/tiny:pull,push", ("bob", "hunter2"));
        using var allowed = await SendWithTokenAsync(client, tagsList, token);
        using var otherRepository = await SendWithTokenAsync(client, new Uri("v2/other/tags/list", UriKind.Relative), token);
        proxy.ExpireTokens();
        using var expired = await SendWithTokenAsync(client, tagsList, token);

        Assert.Equal(HttpStatusCode.Unauthorized, challenged.StatusCode);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Equal($"realm=\"{proxy.TokenRealm}\",service=\"drydock-test\",scope=\"repository:drydock/tiny:pull,push\"", challenge.Parameter);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, allowed.StatusCode); // through to the registry: nothing pushed yet
        Assert.Equal(HttpStatusCode.Unauthorized, otherRepository.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Contains("scope=\"repository:drydock/tiny:pull,push\"", expired.Headers.WwwAuthenticate.Single().Parameter, StringComparison.Ordinal);
        Assert.Equal([false, true], proxy.TokenRequests.Select(request => request.BasicAuthPresented));
        Assert.Equal([401, 200], proxy.TokenRequests.Select(request => request.Status));
        Assert.Null(proxy.Requests.Single(request => request.Status == 404).Header("Proxy-Authorization"));
    }

    [Fact]
    public async Task Proxy_TokenEndpoint_AcceptsOAuth2PasswordAndRefreshGrants()
    {
        await using var server = await RegistryServer.StartAsync();
        await using var proxy = RegistryProxy.Start(server);
        proxy.RequireBearer("bob", "hunter2");
        using var client = new HttpClient { BaseAddress = proxy.BaseUri, Timeout = TimeSpan.FromSeconds(30) };
        var token = new Uri("token", UriKind.Relative);
        const string Scope = "repository:drydock/tiny:pull,push";

        using var wrongPassword = await client.PostAsync(token, Form(("grant_type", "password"), ("username", "bob"), ("password", "nope"), ("scope", Scope)));
        using var password = await client.PostAsync(token, Form(("grant_type", "password"), ("username", "bob"), ("password", "hunter2"),
            ("service", RegistryProxy.Service), ("client_id", "drydock"), ("scope", Scope)));
        using var first = JsonDocument.Parse(await password.Content.ReadAsStringAsync());
        proxy.ExpireTokens();
        using var refresh = await client.PostAsync(token, Form(("grant_type", "refresh_token"),
            ("refresh_token", first.RootElement.GetProperty("refresh_token").GetString()!), ("scope", Scope)));
        using var second = JsonDocument.Parse(await refresh.Content.ReadAsStringAsync());
        using var allowed = await SendWithTokenAsync(client, new Uri("v2/drydock/tiny/tags/list", UriKind.Relative),
            second.RootElement.GetProperty("access_token").GetString()!);

        Assert.Equal(HttpStatusCode.Unauthorized, wrongPassword.StatusCode);
        Assert.Equal(HttpStatusCode.OK, password.StatusCode);
        Assert.Equal(HttpStatusCode.OK, refresh.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, allowed.StatusCode); // past the gate, to the registry
        Assert.Equal(["password", "password", "refresh_token"], proxy.TokenRequests.Select(request => request.GrantType));
    }

    [Fact]
    public async Task Proxy_CutMidUpload_IsANetworkErrorForTheClient()
    {
        await using var server = await RegistryServer.StartAsync();
        await using var proxy = RegistryProxy.Start(server);
        using var client = new HttpClient { BaseAddress = proxy.BaseUri, Timeout = TimeSpan.FromSeconds(30) };
        proxy.CutUpload("PATCH", "/blobs/uploads/", afterBytes: 64 * 1024);
        using var started = await client.PostAsync(new Uri("v2/drydock/big/blobs/uploads/", UriKind.Relative), null);
        using var chunk = new ByteArrayContent(new byte[4 * 1024 * 1024]);
        chunk.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.PatchAsync(started.Headers.Location, chunk));

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.Equal(proxy.BaseUri.Authority, started.Headers.Location!.Authority);
        Assert.IsType<IOException>(error.InnerException, exactMatch: false);
        var cut = proxy.Requests.Single(request => request.Method == "PATCH");
        Assert.Equal(0, cut.Status);
        Assert.InRange(cut.BodyBytes, 64 * 1024, 64 * 1024);
    }

    /// <summary>The plain monolithic flow: POST for a session, PUT each blob whole, PUT the manifest.</summary>
    private static async Task PushAsync(HttpClient client, string repository, TestImage image, string tag)
    {
        foreach (var blob in new[] { image.Layer, image.Config })
        {
            using var started = await client.PostAsync(new Uri($"v2/{repository}/blobs/uploads/", UriKind.Relative), null);
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            var location = started.Headers.Location!;
            var separator = location.Query.Length > 0 ? "&" : "?";
            using var content = new ByteArrayContent(blob);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            using var put = await client.PutAsync(new Uri(location + separator + "digest=" + TestImage.Digest(blob)), content);
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        using var manifest = new ByteArrayContent(image.Manifest);
        manifest.Headers.ContentType = new MediaTypeHeaderValue(TestImage.ManifestMediaType);
        using var pushed = await client.PutAsync(new Uri($"v2/{repository}/manifests/{tag}", UriKind.Relative), manifest);
        Assert.Equal(HttpStatusCode.Created, pushed.StatusCode);
    }

    private static async Task<string> FetchTokenAsync(HttpClient client, string scope, (string User, string Password) credentials)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"token?service=drydock-test&scope={Uri.EscapeDataString(scope)}");
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{credentials.User}:{credentials.Password}")));
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("token").GetString()!;
    }

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(field => new KeyValuePair<string, string>(field.Name, field.Value)));

    private static Task<HttpResponseMessage> SendWithTokenAsync(HttpClient client, Uri target, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, target);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client.SendAsync(request);
    }
}
