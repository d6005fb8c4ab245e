using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Drydock.Build.Diagnostics;

namespace Drydock.Build.Oci.Registry;

/// <summary>
/// A small client of the OCI distribution API for one registry and one push: blob HEAD, mount and
/// upload (monolithic, chunked when the registry requires it), manifest PUT, HEAD and GET, and the tags
/// list. Every call is retried per <see cref="RegistryOptions.Retry"/> and authenticated per the
/// registry's challenge. Errors are coded DRY60xx and name the registry, never a credential.
/// </summary>
public sealed partial class RegistryClient : IDisposable
{
    private static readonly string[] ManifestTypes =
    [
        OciMediaTypes.ImageManifest, OciMediaTypes.ImageIndex,
        "application/vnd.docker.distribution.manifest.v2+json", "application/vnd.docker.distribution.manifest.list.v2+json",
    ];

    private readonly HttpClient _http;
    private readonly RegistryOptions _options;
    private readonly RegistryAuthenticator _auth;
    private const int MaxRedirects = 5;

    /// <summary>
    /// Answers that accept a chunk (<c>PATCH</c>): the spec's 202, and the other successes registries send for it (ECR: 201).
    /// Any 2xx means the bytes were taken; a wrong byte count shows in the closing PUT's digest check.
    /// </summary>
    private static readonly HttpStatusCode[] ChunkAccepted = [HttpStatusCode.Accepted, HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.NoContent];

    /// <summary>Answers that close an upload (the closing <c>PUT</c>): the spec's 201, and 200/202/204 some proxies send. The blob's digest is the registry's check.</summary>
    private static readonly HttpStatusCode[] BlobStored = [HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.Accepted, HttpStatusCode.NoContent];

    private readonly IBuildLog _log;
    private readonly string _apiHost;
    private Uri? _base;

    /// <param name="registry"><c>host[:port]</c>, as <c>ContainerRegistry</c>; Docker Hub's names reach its API host (<see cref="RegistryEndpoint"/>).</param>
    /// <param name="scopes">What the push needs, e.g. <c>repository:app:pull,push</c>; asked of bearer token servers.</param>
    public RegistryClient(string registry, RegistryCredential? credential, IReadOnlyList<string> scopes, RegistryOptions options, IBuildLog log)
    {
        ArgumentNullException.ThrowIfNull(options);
        var endpoint = RegistryEndpoint.Parse(registry);
        Registry = endpoint.Name;
        _apiHost = endpoint.ApiHost;
        _options = options;
        _log = log;
        _http = new HttpClient(RegistryTransport.CreateHandler(_apiHost, options)) { Timeout = options.RequestTimeout };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("Drydock/1.0");
        _auth = new RegistryAuthenticator(_http, registry, credential, scopes, options);
        Login = credential?.ToString() ?? "(anonymous)";
    }

    /// <summary>Who pushes, as messages name it: the user and where the login came from, never a secret.</summary>
    private string Login { get; }

    public string Registry { get; }

    /// <summary>The base address in use (https, or http for loopback and insecure registries that speak it); set by <see cref="ConnectAsync"/>.</summary>
    public Uri BaseAddress => _base ?? throw new InvalidOperationException("ConnectAsync first.");

    /// <summary>
    /// Finds the registry's scheme and authenticates: <c>GET /v2/</c> over HTTPS, falling back to plain
    /// HTTP only for loopback or insecure registries (DRY6005 otherwise), then answers its challenge.
    /// </summary>
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        // Loopback traffic never leaves the machine: plain HTTP first, as most local registries speak it.
        var loopback = RegistryTransport.IsLoopback(_apiHost);
        if (loopback && await TryPlainHttpAsync(cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        _base = new Uri($"https://{_apiHost}/");
        try
        {
            await PingAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (IsTlsFault(e))
        {
            if (loopback || !RegistryTransport.AllowsPlainHttp(_apiHost, _options))
            {
                throw TlsFailed(e);
            }

            _log.Detail($"Drydock: {Registry} does not speak TLS ({e.GetBaseException().Message}); using plain HTTP (listed as insecure)");
            if (!await TryPlainHttpAsync(cancellationToken).ConfigureAwait(false))
            {
                throw TlsFailed(e);
            }
        }
    }

    /// <summary>True when the registry answers plain HTTP; false when it answers like a TLS port does (400).</summary>
    private async Task<bool> TryPlainHttpAsync(CancellationToken cancellationToken)
    {
        _base = new Uri($"http://{_apiHost}/");
        try
        {
            await PingAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (DrydockException e) when (e.Code == KnownCodes.RegistryProtocolError)
        {
            return false;
        }
    }

    private async Task PingAsync(CancellationToken cancellationToken)
    {
        using var response = await SendAsync("GET /v2/", () => new HttpRequestMessage(HttpMethod.Get, "v2/"), cancellationToken, HttpStatusCode.OK).ConfigureAwait(false);
    }

    public async Task<bool> BlobExistsAsync(string repository, Digest digest, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(
            $"HEAD blob {Short(digest)}",
            () => new HttpRequestMessage(HttpMethod.Head, $"v2/{repository}/blobs/{digest}"),
            cancellationToken,
            HttpStatusCode.OK, HttpStatusCode.NotFound).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.OK;
    }

    /// <summary>
    /// Asks the registry to mount the blob from <paramref name="fromRepository"/>. True when it did; false when it did
    /// not (a 202: it opened an upload session instead); null when it refused — 401 or 403 when the login may not pull
    /// from the source (Docker Hub's and GitLab's token scopes), 404, a protocol error — logged at detail level. Either
    /// way the blob still has to be uploaded. Only an unavailable registry (DRY6004) and a TLS failure end the push here.
    /// </summary>
    public async Task<bool?> TryMountBlobAsync(string repository, Digest digest, string fromRepository, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await SendAsync(
                $"mount blob {Short(digest)} from {fromRepository} into {repository}",
                () => new HttpRequestMessage(HttpMethod.Post, $"v2/{repository}/blobs/uploads/?mount={digest}&from={fromRepository}"),
                cancellationToken,
                HttpStatusCode.Created, HttpStatusCode.Accepted).ConfigureAwait(false);
            // 202: the registry opened an upload session instead; it expires on its own.
            return response.StatusCode == HttpStatusCode.Created;
        }
        catch (DrydockException e) when (e.Code is not (KnownCodes.RegistryUnavailable or KnownCodes.RegistryTlsFailed))
        {
            _log.Detail($"Drydock: {Registry} refused to mount {Short(digest)} from {fromRepository} ({e.Code}: {e.Message}); uploading it instead, and mounting nothing more from there");
            return null;
        }
    }

    /// <summary>
    /// Uploads one blob: <c>POST</c> then one <c>PUT</c> with the bytes; when the registry refuses that
    /// (413) or asks for chunks (<c>OCI-Chunk-Min-Length</c>), <c>PATCH</c> chunks then <c>PUT</c>.
    /// A fault part-way starts the whole upload again (per the retry policy). Returns the bytes sent.
    /// </summary>
    public Task<long> UploadBlobAsync(string repository, Descriptor blob, Func<Stream> open, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentNullException.ThrowIfNull(open);
        var what = $"uploading blob {Short(blob.Digest)} ({blob.Size} bytes) to {repository}";
        return _options.Retry.RunAsync(what, () => UploadOnceAsync(repository, blob, open, cancellationToken), _log, cancellationToken);
    }

    /// <summary>PUTs the manifest's exact bytes under a digest or tag; returns the digest the registry says it stored.</summary>
    public async Task<ManifestPut> PutManifestAsync(string repository, string reference, byte[] manifest, string mediaType, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(
            $"PUT manifest {repository}:{reference}",
            () => new HttpRequestMessage(HttpMethod.Put, $"v2/{repository}/manifests/{reference}")
            {
                Content = new ByteArrayContent(manifest) { Headers = { ContentType = new MediaTypeHeaderValue(mediaType) } },
            },
            cancellationToken,
            HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.Accepted).ConfigureAwait(false);
        return new ManifestPut(
            Header(response, "Docker-Content-Digest") is { } text && Digest.TryParse(text, out var digest) ? digest : null,
            Header(response, "OCI-Subject") is not null);
    }

    /// <summary>The manifest's descriptor as the registry serves it; null when it has none under that reference.</summary>
    public async Task<Descriptor?> HeadManifestAsync(string repository, string reference, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(
            $"HEAD manifest {repository}:{reference}",
            () => AcceptingManifests(new HttpRequestMessage(HttpMethod.Head, $"v2/{repository}/manifests/{reference}")),
            cancellationToken,
            HttpStatusCode.OK, HttpStatusCode.NotFound).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (Digest.TryParse(Header(response, "Docker-Content-Digest"), out var digest))
        {
            return new Descriptor(response.Content.Headers.ContentType?.MediaType ?? "", digest, response.Content.Headers.ContentLength ?? 0);
        }

        // The header is optional (distribution spec: "SHOULD"); ECR and some proxies leave it out. The manifest's
        // own bytes, hashed here, are the stronger check anyway.
        _log.Detail($"Drydock: {Registry} answered HEAD manifest {repository}:{reference} without Docker-Content-Digest; reading the manifest to hash it");
        var manifest = await GetManifestAsync(repository, reference, cancellationToken).ConfigureAwait(false);
        return manifest is { } found ? new Descriptor(found.MediaType, Digest.Of(found.Bytes), found.Bytes.Length) : null;
    }

    /// <summary>The manifest's bytes and media type; null when there is none under that reference.</summary>
    public async Task<(byte[] Bytes, string MediaType)?> GetManifestAsync(string repository, string reference, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(
            $"GET manifest {repository}:{reference}",
            () => AcceptingManifests(new HttpRequestMessage(HttpMethod.Get, $"v2/{repository}/manifests/{reference}")),
            cancellationToken,
            HttpStatusCode.OK, HttpStatusCode.NotFound).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.NotFound ? null
            : (await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false), response.Content.Headers.ContentType?.MediaType ?? "");
    }

    /// <summary>A blob's bytes (a config, for the record of what an image was built from); null when the registry has none or it is larger than <paramref name="maxBytes"/>.</summary>
    public async Task<byte[]?> GetBlobAsync(string repository, Digest digest, int maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(digest);
        using var response = await SendAsync(
            $"GET blob {Short(digest)} in {repository}",
            () => new HttpRequestMessage(HttpMethod.Get, $"v2/{repository}/blobs/{digest}"),
            cancellationToken,
            HttpStatusCode.OK, HttpStatusCode.NotFound).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound || response.Content.Headers.ContentLength > maxBytes)
        {
            return null;
        }

        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return bytes.Length <= maxBytes && Digest.Of(bytes) == digest ? bytes : null;
    }

    /// <summary>Every tag of the repository (following <c>Link</c> pages); empty for a repository the registry does not have yet.</summary>
    public async Task<IReadOnlyList<string>> ListTagsAsync(string repository, CancellationToken cancellationToken)
    {
        var tags = new List<string>();
        var next = $"v2/{repository}/tags/list?n=1000";
        for (var page = 0; next is not null && page < 1000; page++)
        {
            var path = next;
            using var response = await SendAsync(
                $"GET tags of {repository}",
                () => new HttpRequestMessage(HttpMethod.Get, path),
                cancellationToken,
                HttpStatusCode.OK, HttpStatusCode.NotFound).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                break;
            }

            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
            tags.AddRange((body?["tags"] as JsonArray ?? []).Select(OciJson.GetString).OfType<string>());
            next = NextPage(Header(response, "Link"));
        }

        return tags;
    }

    public void Dispose()
    {
        _auth.Dispose();
        _http.Dispose();
    }

    private async Task<long> UploadOnceAsync(string repository, Descriptor blob, Func<Stream> open, CancellationToken cancellationToken)
    {
        var (location, minChunk) = await StartUploadAsync(repository, blob, cancellationToken).ConfigureAwait(false);
        if (minChunk is null)
        {
            using var put = await SendOnceAsync(
                $"PUT blob {Short(blob.Digest)}",
                () => new HttpRequestMessage(HttpMethod.Put, WithDigest(location, blob.Digest)) { Content = BlobContent(open(), blob.Size) },
                cancellationToken,
                [.. BlobStored, HttpStatusCode.RequestEntityTooLarge]).ConfigureAwait(false);
            if (put.StatusCode != HttpStatusCode.RequestEntityTooLarge)
            {
                return blob.Size;
            }

            _log.Detail($"Drydock: {Registry} refused blob {Short(blob.Digest)} in one request (413); uploading it in chunks");
            (location, _) = await StartUploadAsync(repository, blob, cancellationToken).ConfigureAwait(false);
        }

        var chunkSize = Math.Max(minChunk ?? 0, _options.ChunkSize);
        using (var source = open())
        {
            var buffer = new byte[(int)Math.Min(chunkSize, Math.Max(blob.Size, 1))];
            for (long offset = 0; offset < blob.Size;)
            {
                var length = await source.ReadAtLeastAsync(buffer, (int)Math.Min(buffer.Length, blob.Size - offset), throwOnEndOfStream: true, cancellationToken).ConfigureAwait(false);
                var range = $"{offset}-{offset + length - 1}";
                var chunkLocation = location;
                using var patch = await SendOnceAsync(
                    $"PATCH blob {Short(blob.Digest)} {range}",
                    () => new HttpRequestMessage(HttpMethod.Patch, chunkLocation) { Content = Chunk(buffer, length, range) },
                    cancellationToken,
                    ChunkAccepted).ConfigureAwait(false);
                // The spec's answer is 202 with the next Location; ECR answers 201 (sdk-container-builds#279). Without a
                // Location the session's URL stays the same.
                location = patch.Headers.Location is null ? location : Location(patch, $"PATCH blob {Short(blob.Digest)}");
                offset += length;
            }
        }

        using var close = await SendOnceAsync(
            $"PUT blob {Short(blob.Digest)}",
            () => new HttpRequestMessage(HttpMethod.Put, WithDigest(location, blob.Digest)) { Content = new ByteArrayContent([]) },
            cancellationToken,
            BlobStored).ConfigureAwait(false);
        return blob.Size;
    }

    private async Task<(Uri Location, int? MinChunk)> StartUploadAsync(string repository, Descriptor blob, CancellationToken cancellationToken)
    {
        using var response = await SendOnceAsync(
            $"POST upload of {Short(blob.Digest)} to {repository}",
            () => new HttpRequestMessage(HttpMethod.Post, $"v2/{repository}/blobs/uploads/"),
            cancellationToken,
            HttpStatusCode.Accepted).ConfigureAwait(false);
        var minChunk = int.TryParse(Header(response, "OCI-Chunk-Min-Length"), out var min) && min > 0 ? min : (int?)null;
        return (Location(response, "POST upload"), minChunk);
    }

    /// <summary>A PATCH body; the distribution spec's <c>Content-Range</c> is <c>start-end</c>, without the RFC 9110 unit.</summary>
    private static ByteArrayContent Chunk(byte[] buffer, int length, string range)
    {
        var content = new ByteArrayContent(buffer, 0, length) { Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream") } };
        content.Headers.TryAddWithoutValidation("Content-Range", range);
        return content;
    }

    private static StreamContent BlobContent(Stream stream, long size) => new(stream)
    {
        Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream"), ContentLength = size },
    };

    /// <summary>One request, retried per the policy.</summary>
    private Task<HttpResponseMessage> SendAsync(string what, Func<HttpRequestMessage> create, CancellationToken cancellationToken, params HttpStatusCode[] expected) =>
        _options.Retry.RunAsync($"{what} ({Registry})", () => SendOnceAsync(what, create, cancellationToken, expected), _log, cancellationToken);

    /// <summary>
    /// One request, answering up to two auth challenges. Returns the response for an expected status;
    /// throws <see cref="TransientRegistryException"/> for 408/429/5xx and DRY60xx for the rest.
    /// </summary>
    private async Task<HttpResponseMessage> SendOnceAsync(string what, Func<HttpRequestMessage> create, CancellationToken cancellationToken, params HttpStatusCode[] expected)
    {
        for (var round = 0; ; round++)
        {
            var (response, sent) = await SendFollowingRedirectsAsync(what, create, cancellationToken).ConfigureAwait(false);
            var status = response.StatusCode;
            if (expected.Contains(status))
            {
                return response;
            }

            using (response)
            {
                // One renewal per request: a 401 to a header renewed for this very request is a refusal, not a stale token.
                if (status == HttpStatusCode.Unauthorized && round < 2 && IsRegistry(response.RequestMessage?.RequestUri))
                {
                    await _auth.RenewAsync(sent, AuthChallenge.From(response.Headers.WwwAuthenticate), _log, cancellationToken, renewedForThisRequest: round > 0).ConfigureAwait(false);
                    continue;
                }

                var detail = await ErrorDetailAsync(response, cancellationToken).ConfigureAwait(false);
                throw status switch
                {
                    _ when RetryPolicy.IsTransient(status) => new TransientRegistryException(
                        $"{what} got {(int)status} {detail}".TrimEnd(), RetryPolicy.RetryAfter(response.Headers.RetryAfter, DateTimeOffset.UtcNow)),
                    HttpStatusCode.Unauthorized => new DrydockException(KnownCodes.RegistryUnauthorized,
                        $"{Registry} refused {what} with 401 {detail} even after authenticating. The credentials may not push to that repository: log in (podman login {Registry}) with an account that may, or set DRYDOCK_REGISTRY_USER and DRYDOCK_REGISTRY_PASSWORD."),
                    HttpStatusCode.Forbidden => new DrydockException(KnownCodes.RegistryForbidden,
                        $"{Registry} denied {what} (403) {detail}. The login {Login} may not write to that repository: grant it push rights there (GHCR: a token with write:packages and the package's access for this repository; GitLab: write_registry; ECR: ecr:InitiateLayerUpload and ecr:PutImage), or push elsewhere (ContainerRepository, DrydockPushRegistry). Nothing was tagged."),
                    HttpStatusCode.NotFound => new DrydockException(KnownCodes.RegistryNotFound,
                        $"{Registry} answered 404 to {what} {detail}. Check ContainerRegistry (host and port only) and ContainerRepository; some registries need the repository created first."),
                    _ => Protocol(what, response, detail),
                };
            }
        }
    }

    /// <summary>
    /// One request and the redirects it gets (301, 302, 303, 307, 308; at most five), as registries send blob reads
    /// and uploads to storage on another host. A relative <c>Location</c> resolves against the URL that answered.
    /// The Authorization header goes only to the registry's own scheme and host: never to a redirect's other host,
    /// whose URL carries its own signature. 303 turns the request into a GET without a body (RFC 9110 15.4.4).
    /// </summary>
    private async Task<(HttpResponseMessage Response, AuthenticationHeaderValue? Sent)> SendFollowingRedirectsAsync(
        string what, Func<HttpRequestMessage> create, CancellationToken cancellationToken)
    {
        Uri? uri = null;
        var seeOther = false;
        for (var hop = 0; ; hop++)
        {
            using var request = create();
            uri ??= request.RequestUri!.IsAbsoluteUri ? request.RequestUri : new Uri(BaseAddress, request.RequestUri);
            request.RequestUri = uri;
            if (seeOther)
            {
                request.Method = request.Method == HttpMethod.Head ? HttpMethod.Head : HttpMethod.Get;
                request.Content = null;
            }

            var sent = IsRegistry(uri) ? await _auth.CurrentAsync(_log, cancellationToken).ConfigureAwait(false) : null;
            request.Headers.Authorization = sent;
            var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!IsRedirect(response.StatusCode) || response.Headers.Location is not { } location || hop >= MaxRedirects)
            {
                return (response, sent);
            }

            using (response)
            {
                var next = new Uri(uri, location);
                if (uri.Scheme == Uri.UriSchemeHttps && next.Scheme != Uri.UriSchemeHttps)
                {
                    throw Protocol(what, response, $"(a redirect from https to {next.Scheme})");
                }

                // The path only: a storage redirect's query holds its signature.
                _log.Detail($"Drydock: {what} redirected ({(int)response.StatusCode}) to {next.GetLeftPart(UriPartial.Path)}{(IsRegistry(next) ? "" : ", another host: without credentials")}");
                seeOther |= response.StatusCode == HttpStatusCode.SeeOther;
                uri = next;
            }
        }
    }

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    /// <summary>The registry's own origin (scheme, host and port): the only place credentials go.</summary>
    private bool IsRegistry(Uri? uri) =>
        uri is not null && _base is not null && Uri.Compare(uri, _base, UriComponents.SchemeAndServer, UriFormat.UriEscaped, StringComparison.OrdinalIgnoreCase) == 0;

    /// <summary>The registry's own error codes (<c>{"errors":[{"code","message"}]}</c>), in brackets; empty when it gave none.</summary>
    private static async Task<string> ErrorDetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var errors = (JsonNode.Parse(text.Length > 65536 ? "" : text)?["errors"] as JsonArray ?? [])
                .Select(error => $"{OciJson.GetString(error?["code"])}: {OciJson.GetString(error?["message"])}");
            var joined = string.Join("; ", errors);
            return joined.Length == 0 ? "" : $"({MessageText.Quote(joined)})";
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or IOException or HttpRequestException)
        {
            return "";
        }
    }

    private DrydockException Protocol(string what, HttpResponseMessage response, string detail) => new(
        KnownCodes.RegistryProtocolError,
        $"{Registry} answered {what} with {(int)response.StatusCode} {response.ReasonPhrase} {detail}".TrimEnd() + ", which the distribution protocol does not allow here.");

    private DrydockException TlsFailed(Exception e) => new(
        KnownCodes.RegistryTlsFailed,
        $"the TLS connection to {Registry} failed: {MessageText.Quote(e.GetBaseException().Message)}. Trust its CA (system store, or certs.d/{Registry}/ca.crt under /etc/containers, /etc/docker or ~/.config/containers), or, if it really is plain HTTP, list it in DOTNET_CONTAINER_INSECURE_REGISTRIES.",
        e);

    private static bool IsTlsFault(Exception e) => e is HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError };

    private static HttpRequestMessage AcceptingManifests(HttpRequestMessage request)
    {
        foreach (var type in ManifestTypes)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
        }

        return request;
    }

    /// <summary>An upload's next URL: a relative <c>Location</c> resolves against the URL that answered (RFC 9110 10.2.2), which after a redirect is not the registry's.</summary>
    private Uri Location(HttpResponseMessage response, string what) =>
        response.Headers.Location is { } location
            ? new Uri(response.RequestMessage?.RequestUri ?? BaseAddress, location)
            : throw Protocol(what, response, "without a Location header");

    private static Uri WithDigest(Uri location, Digest digest) =>
        new(location.AbsoluteUri + (string.IsNullOrEmpty(location.Query) ? "?" : "&") + "digest=" + Uri.EscapeDataString(digest.ToString()));

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? values.FirstOrDefault() : null;

    /// <summary>RFC 5988 <c>Link: &lt;/v2/…?last=x&gt;; rel="next"</c>, as the tags list pages.</summary>
    private static string? NextPage(string? link)
    {
        if (link is null || !link.Contains("rel=\"next\"", StringComparison.Ordinal))
        {
            return null;
        }

        var start = link.IndexOf('<', StringComparison.Ordinal) + 1;
        var end = link.IndexOf('>', start);
        return start > 0 && end > start ? link[start..end].TrimStart('/') : null;
    }

    private static string Short(Digest digest) => digest.ToString()[..19];
}

/// <summary>What a manifest PUT returned: the digest the registry computed, and whether it indexed the manifest's subject (OCI 1.1 referrers API).</summary>
public sealed record ManifestPut(Digest? Digest, bool SubjectIndexed);
