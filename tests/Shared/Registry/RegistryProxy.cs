using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Drydock.Tests.Registry;

/// <summary>
/// An HTTP/1.1 proxy on a free loopback port in front of one registry: it forwards every request
/// and response (bodies streamed, upstream <c>Location</c>s rewritten to point back at the proxy),
/// logs what it saw, and can inject faults (statuses, cut uploads, latency) or play a Docker-Hub-like
/// bearer token server, so registry-client tests can reproduce what real registries do to a push.
/// </summary>
internal sealed partial class RegistryProxy : IAsyncDisposable
{
    private const string TokenPath = "/token";

    /// <summary>Hop-by-hop fields (RFC 9110 §7.6.1) and those the proxy frames itself.</summary>
    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization",
        "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Expect", "Content-Length",
    };

    private readonly TcpListener listener;
    private readonly HttpClient upstreamClient;
    private readonly CancellationTokenSource stopping = new();
    private readonly object gate = new();
    private readonly List<ProxiedRequest> requests = [];
    private readonly List<FaultRule> rules = [];
    private readonly HashSet<ProxyConnection> connections = [];
    private readonly Task acceptLoop;
    private BearerTokenServer? tokens;

    private RegistryProxy(TcpListener listener, Uri upstream, X509Certificate2? upstreamCa)
    {
        this.listener = listener;
        Upstream = new Uri(upstream.GetLeftPart(UriPartial.Authority) + "/");
        Host = $"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
        BaseUri = new Uri($"http://{Host}/");

        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(5),
        };
        if (upstreamCa is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback =
                (_, certificate, _, errors) => TestCertificates.TrustOnly(upstreamCa, certificate as X509Certificate2, errors);
        }

        // The per-exchange bound is UpstreamTimeout, applied to the whole request, body included.
        upstreamClient = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The registry requests are forwarded to (scheme and authority only).</summary>
    public Uri Upstream { get; }

    /// <summary><c>127.0.0.1:PORT</c>: the registry host a client under test is given.</summary>
    public string Host { get; }

    /// <summary><c>http://{Host}/</c>.</summary>
    public Uri BaseUri { get; }

    /// <summary>The bound on one forwarded exchange, request body to last response byte.</summary>
    public TimeSpan UpstreamTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Every request received so far, in the order they completed.</summary>
    public IReadOnlyList<ProxiedRequest> Requests
    {
        get
        {
            lock (gate)
            {
                return [.. requests];
            }
        }
    }

    /// <summary>Calls to <c>/token</c> in bearer mode.</summary>
    public IReadOnlyList<TokenRequest> TokenRequests => tokens?.Requests ?? [];

    /// <summary>The <c>service</c> the bearer challenge names.</summary>
    public const string Service = "drydock-test";

    /// <summary>The bearer challenge's realm, the proxy's own token endpoint.</summary>
    public Uri TokenRealm => RealmOnStorageHost ? new Uri($"http://{StorageHost}/token") : new(BaseUri, "token");

    /// <summary>
    /// The bearer challenge names a realm on another host (<see cref="StorageHost"/>), as Docker Hub (auth.docker.io)
    /// and GitLab (the GitLab host's <c>/jwt/auth</c> for <c>registry.</c>) do. Set before <see cref="RequireBearer"/>.
    /// </summary>
    public bool RealmOnStorageHost { get; set; }

    /// <summary>How long a token stays good in bearer mode; <see cref="ExpireTokens"/> ends them early.</summary>
    public TimeSpan TokenLifetime
    {
        get => tokens?.TokenLifetime ?? TimeSpan.FromMinutes(5);
        set => (tokens ?? throw new InvalidOperationException("Call RequireBearer first.")).TokenLifetime = value;
    }

    /// <summary>Starts a proxy for <paramref name="upstream"/>; <paramref name="upstreamCa"/> is the CA to trust if it is HTTPS.</summary>
    public static RegistryProxy Start(Uri upstream, X509Certificate2? upstreamCa = null)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start(backlog: 64);
        return new RegistryProxy(listener, upstream, upstreamCa);
    }

    /// <summary>Starts a proxy in front of <paramref name="server"/>, trusting its CA.</summary>
    public static RegistryProxy Start(RegistryServer server) => Start(server.BaseUri, server.CaCertificate);

    /// <summary>How many requests had <paramref name="method"/> and a target containing <paramref name="targetContains"/>.</summary>
    public int CountOf(string method, string targetContains) =>
        Requests.Count(request =>
            string.Equals(request.Method, method, StringComparison.OrdinalIgnoreCase)
            && request.Target.Contains(targetContains, StringComparison.Ordinal));

    /// <summary>Forgets the requests logged so far (and the token requests).</summary>
    public void Clear()
    {
        lock (gate)
        {
            requests.Clear();
        }

        tokens?.ClearRequests();
    }

    /// <summary>Adds a rule after those already there.</summary>
    public FaultRule AddRule(FaultRule rule)
    {
        lock (gate)
        {
            rules.Add(rule);
        }

        return rule;
    }

    /// <summary>
    /// Fires <paramref name="fault"/> on the first <paramref name="times"/> requests with
    /// <paramref name="method"/> (null: any) whose target matches the regular expression
    /// <paramref name="targetPattern"/>.
    /// </summary>
    public FaultRule When(string? method, string targetPattern, ProxyFault fault, int times = 1) =>
        AddRule(new FaultRule(method, FaultRule.Matching(targetPattern), fault, times));

    /// <summary>Answers matching requests with <paramref name="status"/> (and headers) instead of forwarding them.</summary>
    public FaultRule Respond(string? method, string targetPattern, int status, int times = 1, params (string Name, string Value)[] headers) =>
        When(method, targetPattern, ProxyFault.Respond(status, headers), times);

    /// <summary>Reads <paramref name="afterBytes"/> of a matching request's body, then resets the connection.</summary>
    public FaultRule CutUpload(string? method, string targetPattern, long afterBytes, int times = 1) =>
        When(method, targetPattern, ProxyFault.CutAfter(afterBytes), times);

    public void ClearRules()
    {
        lock (gate)
        {
            rules.Clear();
        }
    }

    /// <summary>
    /// Bearer mode: registry requests (<c>/v2/…</c>) need a token from the proxy's <c>/token</c>
    /// endpoint, which wants Basic <paramref name="user"/>:<paramref name="password"/> when given
    /// (anonymous tokens otherwise). Tokens are stripped before forwarding; the upstream stays anonymous.
    /// </summary>
    public void RequireBearer(string? user = null, string? password = null)
    {
        tokens = new BearerTokenServer(
            TokenRealm.ToString(), Service, user is null ? null : (user, password ?? string.Empty));
    }

    /// <summary>The token server of bearer mode, to shape its answers (<see cref="BearerTokenServer.TokenFields"/>).</summary>
    public BearerTokenServer Tokens => tokens ?? throw new InvalidOperationException("Call RequireBearer first.");

    /// <summary>
    /// <c>localhost:PORT</c>: the proxy under another name, so another origin to a client, as the storage a registry
    /// redirects blob requests to. Requests there skip the bearer check (storage URLs carry their own signature) and
    /// are logged with their headers, so a test can see whether credentials followed.
    /// </summary>
    public string StorageHost => $"localhost:{BaseUri.Port}";

    /// <summary>
    /// Upload <c>Location</c>s outside <c>/v2/</c>, under this prefix (Google Artifact Registry answers
    /// <c>/artifacts-uploads/namespaces/…</c>); requests there are forwarded to the upload they stand for.
    /// </summary>
    public string? UploadPathPrefix { get; set; }

    /// <summary>Upstream <c>Location</c>s are given as path and query only (GHCR, Harbor), not absolute (distribution).</summary>
    public bool RelativeLocations { get; set; }

    /// <summary>
    /// Harbor's session cookie and CSRF check (dotnet/sdk-container-builds#418): every answer sets a session cookie, and a
    /// write (<c>POST</c>, <c>PUT</c>, <c>PATCH</c>, <c>DELETE</c>) that sends a cookie back without a CSRF token gets
    /// 403 <c>CSRF token invalid</c>.
    /// </summary>
    public bool SessionCookies { get; set; }

    /// <summary>
    /// Immutable tags (ECR's IMMUTABLE repositories, Harbor's immutability rules, Artifact Registry's immutable tags): a
    /// manifest <c>PUT</c> under a tag that already exists gets this answer (status, error code, message), whatever it
    /// names; digests and new tags pass. Null: tags move.
    /// </summary>
    public (int Status, string Code, string Message)? ImmutableTags { get; set; }

    /// <summary>
    /// GitLab's tag resolution (oras-go#1396): a manifest read under <c>sha256-&lt;hex&gt;</c> is answered as the manifest
    /// <c>sha256:&lt;hex&gt;</c>, so the referrers tag schema's tag names the subject itself.
    /// </summary>
    public bool ResolvesDigestTags { get; set; }

    /// <summary>Makes every token issued so far invalid: the next request with one gets 401 and a challenge.</summary>
    public void ExpireTokens() => (tokens ?? throw new InvalidOperationException("Call RequireBearer first.")).ExpireTokens();

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        lock (gate)
        {
            foreach (var connection in connections)
            {
                connection.Reset();
            }
        }

        try
        {
            await acceptLoop.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
        }

        upstreamClient.Dispose();
        stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        var running = new List<Task>();
        while (!stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(stopping.Token);
            }
            catch (Exception error) when (error is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                break;
            }

            running.RemoveAll(task => task.IsCompleted);
            running.Add(Task.Run(() => ServeAsync(socket)));
        }

        await Task.WhenAny(Task.WhenAll(running), Task.Delay(TimeSpan.FromSeconds(5)));
    }

    private async Task ServeAsync(Socket socket)
    {
        using var connection = new ProxyConnection(socket);
        lock (gate)
        {
            connections.Add(connection);
        }

        try
        {
            while (await connection.ReadHeadAsync(stopping.Token) is { } head)
            {
                if (!await HandleAsync(connection, head))
                {
                    break;
                }
            }
        }
        catch (Exception error) when (error is IOException or SocketException or InvalidDataException or HttpRequestException
            or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away or sent garbage; nothing to answer.
        }
        finally
        {
            lock (gate)
            {
                connections.Remove(connection);
            }
        }
    }

    /// <summary>Handles one request; false when the connection must not be reused.</summary>
    private async Task<bool> HandleAsync(ProxyConnection connection, ProxyRequestHead head)
    {
        long received = 0;
        using var body = connection.OpenBody(head, read => Interlocked.Add(ref received, read));
        var fault = NextFault(head);
        if (fault is DelayFault delay)
        {
            await Task.Delay(delay.Duration, stopping.Token);
        }

        int status;
        var keepAlive = head.KeepAlive;
        switch (fault)
        {
            case CutFault cut:
                await ContinueIfExpectedAsync(connection, head);
                await ReadAtMostAsync(body, cut.BodyBytes);
                // Logged before the reset: the client may look at the log as soon as it sees the cut.
                Log(head, 0, Interlocked.Read(ref received), fault);
                connection.Reset();
                return false;

            case RedirectFault redirect:
                keepAlive &= await DrainUnlessExpectingAsync(head, body);
                status = redirect.Status;
                await RespondAsync(connection, status, [new("Location", (redirect.ToStorage ? $"http://{StorageHost}" : "") + head.Target)],
                    ErrorJson(status, "redirected by RegistryProxy"), head, keepAlive);
                break;

            case RespondFault respond:
                keepAlive &= await DrainUnlessExpectingAsync(head, body);
                status = respond.Status;
                await RespondAsync(connection, status, respond.Headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value)),
                    ErrorJson(status, "injected by RegistryProxy"), head, keepAlive);
                break;

            default:
                if (tokens is not null && head.Path == TokenPath)
                {
                    await ContinueIfExpectedAsync(connection, head);
                    var form = await ReadTextAsync(body);
                    var (tokenStatus, json) = tokens.HandleTokenRequest(head.Method, head.Target, head.Header("Authorization"), form);
                    status = tokenStatus;
                    IEnumerable<KeyValuePair<string, string>> extra = status == 401 && head.Method != "POST"
                        ? [new("WWW-Authenticate", $"Basic realm=\"{Service}\"")]
                        : [];
                    await RespondAsync(connection, status, extra.Append(new("Content-Type", "application/json")), json, head, keepAlive);
                }
                else if (tokens is not null && head.Path.StartsWith("/v2", StringComparison.Ordinal) && !OnStorageHost(head)
                    && !tokens.Authorize(head.Method, head.Path, head.Header("Authorization"), out var challenge))
                {
                    keepAlive &= await DrainUnlessExpectingAsync(head, body);
                    status = 401;
                    await RespondAsync(connection, status,
                        [new("WWW-Authenticate", challenge), new("Docker-Distribution-Api-Version", "registry/2.0"), new("Content-Type", "application/json")],
                        ErrorJson(401, "authentication required"), head, keepAlive);
                }
                else if (await PersonalityRefusalAsync(head) is { } refusal)
                {
                    keepAlive &= await DrainUnlessExpectingAsync(head, body);
                    status = refusal.Status;
                    await RespondAsync(connection, status, [], refusal.Json, head, keepAlive);
                }
                else
                {
                    await ContinueIfExpectedAsync(connection, head);
                    IReadOnlyList<(string Name, string Value)> added = (fault as AddHeadersFault)?.Headers ?? [];
                    if (SessionCookies)
                    {
                        added = [.. added, ("Set-Cookie", "sid=drydock-proxy-session; Path=/; HttpOnly")];
                    }

                    (status, keepAlive) = await ForwardAsync(connection, head, body, keepAlive, added, (fault as RemoveHeadersFault)?.Names ?? [], (fault as ReplaceStatusFault)?.Status);
                    if (keepAlive && !body.Complete)
                    {
                        // The upstream answered without reading the whole body (e.g. 401 on a PATCH).
                        keepAlive = await DrainUnlessExpectingAsync(head, body);
                    }
                }

                break;
        }

        Log(head, status, Interlocked.Read(ref received), fault);
        return keepAlive;
    }

    private ProxyFault? NextFault(ProxyRequestHead head)
    {
        lock (gate)
        {
            // A request that followed a redirect to storage is not redirected again.
            var onStorage = OnStorageHost(head);
            return rules.FirstOrDefault(rule => !(onStorage && rule.Fault is RedirectFault) && rule.TryFire(head.Method, head.Target))?.Fault;
        }
    }

    private void Log(ProxyRequestHead head, int status, long bodyBytes, ProxyFault? fault)
    {
        lock (gate)
        {
            requests.Add(new ProxiedRequest(head.Method, head.Target, status, bodyBytes, head.Headers, fault));
        }
    }

    private bool OnStorageHost(ProxyRequestHead head) =>
        string.Equals(head.Header("Host"), StorageHost, StringComparison.OrdinalIgnoreCase);

    /// <summary>The answer of a personality that refuses this request (<see cref="SessionCookies"/>, <see cref="ImmutableTags"/>); null: forward it.</summary>
    private async Task<(int Status, string Json)?> PersonalityRefusalAsync(ProxyRequestHead head)
    {
        var write = head.Method is "POST" or "PUT" or "PATCH" or "DELETE";
        if (SessionCookies && write && head.Header("Cookie") is not null && head.Header("X-Harbor-CSRF-Token") is null)
        {
            return (403, """{"errors":[{"code":"FORBIDDEN","message":"CSRF token invalid"}]}""");
        }

        if (ImmutableTags is { } immutable && head.Method == "PUT" && ManifestTag(head.Path) is { } tag)
        {
            using var request = new HttpRequestMessage(HttpMethod.Head, new Uri(Upstream, head.Path));
            request.Headers.Accept.ParseAdd("application/vnd.oci.image.manifest.v1+json");
            request.Headers.Accept.ParseAdd("application/vnd.oci.image.index.v1+json");
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token);
            timer.CancelAfter(UpstreamTimeout);
            using var response = await upstreamClient.SendAsync(request, timer.Token);
            if (response.IsSuccessStatusCode)
            {
                var message = immutable.Message.Replace("{tag}", tag, StringComparison.Ordinal);
                return (immutable.Status, $$"""{"errors":[{"code":"{{immutable.Code}}","message":{{System.Text.Json.JsonSerializer.Serialize(message)}}}]}""");
            }
        }

        return null;
    }

    /// <summary>The tag of a <c>/v2/&lt;name&gt;/manifests/&lt;tag&gt;</c> path; null for a digest or another path.</summary>
    private static string? ManifestTag(string path)
    {
        var at = path.LastIndexOf("/manifests/", StringComparison.Ordinal);
        var reference = at < 0 ? null : path[(at + "/manifests/".Length)..];
        return reference is null || reference.Contains(':', StringComparison.Ordinal) ? null : reference;
    }

    private async Task<(int Status, bool KeepAlive)> ForwardAsync(
        ProxyConnection connection, ProxyRequestHead head, Stream body, bool keepAlive, IReadOnlyList<(string Name, string Value)> addedHeaders, IReadOnlyList<string> removedHeaders, int? replacedStatus)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token);
        timer.CancelAfter(UpstreamTimeout);
        var target = UploadPathPrefix is { } prefix && head.Target.StartsWith(prefix, StringComparison.Ordinal) ? head.Target[prefix.Length..] : head.Target;
        if (ResolvesDigestTags && head.Method is "GET" or "HEAD")
        {
            target = DigestTag().Replace(target, "/manifests/sha256:$1");
        }

        using var request = new HttpRequestMessage(new HttpMethod(head.Method), new Uri(Upstream, target));
        if (head.HasBody || head.ContentLength == 0)
        {
            request.Content = new StreamContent(body);
            request.Content.Headers.ContentLength = head.IsChunked ? null : head.ContentLength;
        }

        foreach (var (name, value) in head.Headers)
        {
            if (NotForwarded.Contains(name) || (tokens is not null && name.Equals("Authorization", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content ??= new ByteArrayContent([]);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        HttpResponseMessage response;
        try
        {
            response = await upstreamClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timer.Token);
        }
        catch (Exception error) when (error is HttpRequestException or OperationCanceledException && !stopping.IsCancellationRequested)
        {
            if (head.HasBody && body.CanRead)
            {
                keepAlive = false; // the rest of the body may still be on the wire
            }

            await RespondAsync(connection, 502, [], ErrorJson(502, $"upstream {Upstream}: {error.Message}"), head, keepAlive);
            return (502, keepAlive);
        }

        using (response)
        {
            var status = replacedStatus ?? (int)response.StatusCode;
            var headers = new List<KeyValuePair<string, string>>();
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            {
                if (NotForwarded.Contains(name) || removedHeaders.Contains(name, StringComparer.OrdinalIgnoreCase))
                {
                    continue;
                }

                foreach (var value in values)
                {
                    headers.Add(new(name, name.Equals("Location", StringComparison.OrdinalIgnoreCase) ? RewriteLocation(value) : value));
                }
            }

            headers.AddRange(addedHeaders.Select(header => new KeyValuePair<string, string>(header.Name, header.Value)));

            var noBody = head.Method == "HEAD" || status is 204 or 304 || status < 200;
            var length = response.Content.Headers.ContentLength;
            if (length is not null)
            {
                headers.Add(new("Content-Length", length.Value.ToString(CultureInfo.InvariantCulture)));
            }
            else if (!noBody)
            {
                headers.Add(new("Transfer-Encoding", "chunked"));
            }

            if (!keepAlive)
            {
                headers.Add(new("Connection", "close"));
            }

            await connection.WriteHeadAsync(status, headers, stopping.Token);
            if (!noBody)
            {
                await using var content = await response.Content.ReadAsStreamAsync(timer.Token);
                await CopyBodyAsync(content, connection, chunked: length is null, timer.Token);
            }

            return (status, keepAlive);
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex("/manifests/sha256-([0-9a-f]{64})$")]
    private static partial System.Text.RegularExpressions.Regex DigestTag();

    /// <summary>Points an absolute upstream <c>Location</c> (distribution 2.8 sends them absolute) at the proxy.</summary>
    private string RewriteLocation(string location)
    {
        var upstream = Upstream.GetLeftPart(UriPartial.Authority);
        if (!location.StartsWith(upstream, StringComparison.OrdinalIgnoreCase))
        {
            return location;
        }

        var path = location[upstream.Length..];
        if (UploadPathPrefix is not null && path.Contains("/blobs/uploads/", StringComparison.Ordinal))
        {
            path = UploadPathPrefix + path;
        }

        return RelativeLocations ? path : BaseUri.GetLeftPart(UriPartial.Authority) + path;
    }

    private static async Task CopyBodyAsync(Stream content, ProxyConnection connection, bool chunked, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (chunked)
            {
                await connection.WriteAsync($"{read:x}\r\n", cancellationToken);
            }

            await connection.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            if (chunked)
            {
                await connection.WriteAsync("\r\n", cancellationToken);
            }
        }

        if (chunked)
        {
            await connection.WriteAsync("0\r\n\r\n", cancellationToken);
        }
    }

    private async Task RespondAsync(
        ProxyConnection connection, int status, IEnumerable<KeyValuePair<string, string>> headers, string json, ProxyRequestHead head, bool keepAlive)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var all = headers.ToList();
        if (!all.Any(h => h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)))
        {
            all.Add(new("Content-Type", "application/json; charset=utf-8"));
        }

        all.Add(new("Content-Length", bytes.Length.ToString(CultureInfo.InvariantCulture)));
        if (!keepAlive)
        {
            all.Add(new("Connection", "close"));
        }

        await connection.WriteHeadAsync(status, all, stopping.Token);
        if (head.Method != "HEAD")
        {
            await connection.WriteAsync(bytes, stopping.Token);
        }
    }

    /// <summary>An error body in the distribution spec's shape (<c>{"errors":[…]}</c>).</summary>
    private static string ErrorJson(int status, string message)
    {
        var code = status switch
        {
            401 => "UNAUTHORIZED",
            403 => "DENIED",
            404 => "NAME_UNKNOWN",
            429 => "TOOMANYREQUESTS",
            _ => "UNKNOWN",
        };
        return $$"""{"errors":[{"code":"{{code}}","message":{{System.Text.Json.JsonSerializer.Serialize(message)}}}]}""";
    }

    /// <summary>
    /// With <c>Expect: 100-continue</c> the client waits before sending the body; tell it to go on
    /// when the proxy means to read the body.
    /// </summary>
    private async Task ContinueIfExpectedAsync(ProxyConnection connection, ProxyRequestHead head)
    {
        if (head.ExpectsContinue && head.HasBody)
        {
            await connection.WriteAsync("HTTP/1.1 100 Continue\r\n\r\n", stopping.Token);
        }
    }

    /// <summary>
    /// Reads and drops the body of a request answered without forwarding, so the connection can be
    /// reused; false when the client was told to hold the body back (Expect) and will not send it.
    /// </summary>
    private async Task<bool> DrainUnlessExpectingAsync(ProxyRequestHead head, ProxyConnection.Body body)
    {
        if (head.ExpectsContinue && head.HasBody && !body.Complete)
        {
            return false;
        }

        using var timer = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token);
        timer.CancelAfter(UpstreamTimeout);
        await body.CopyToAsync(Stream.Null, timer.Token);
        return true;
    }

    private async Task ReadAtMostAsync(Stream body, long limit)
    {
        var buffer = new byte[16 * 1024];
        long total = 0;
        int read;
        while (total < limit
            && (read = await body.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, limit - total)), stopping.Token)) > 0)
        {
            total += read;
        }
    }

    private async Task<string> ReadTextAsync(Stream body)
    {
        using var reader = new StreamReader(body, Encoding.UTF8);
        return await reader.ReadToEndAsync(stopping.Token);
    }
}
