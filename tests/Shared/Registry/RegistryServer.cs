using Drydock.Processes;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace Drydock.Tests.Registry;

/// <summary>
/// A private CNCF distribution registry (<c>docker-registry serve</c>) on a free loopback port, with
/// its storage, config, certificates and log in a temp folder deleted on dispose. Tests that change
/// what a registry holds, or need TLS or auth, get one of these instead of the shared registry.
/// </summary>
/// <remarks>Configuration reference: https://distribution.github.io/distribution/about/configuration/</remarks>
internal sealed class RegistryServer : IAsyncDisposable
{
    private const int StartAttempts = 3;

    private readonly Process process;
    private readonly string root;

    private RegistryServer(Process process, string root, int port, RegistryServerOptions options, X509Certificate2? authority)
    {
        this.process = process;
        this.root = root;
        Host = $"127.0.0.1:{port}";
        Scheme = options.Tls ? "https" : "http";
        BaseUri = new Uri($"{Scheme}://{Host}/");
        CaCertificate = authority;
        Users = options.Users;
        if (authority is not null)
        {
            CertsDirectory = Path.Combine(root, "certs.d");
            CaCertificatePath = Path.Combine(CertsDirectory, Host, "ca.crt");
        }
    }

    /// <summary>
    /// The registry every test may read base images from (<c>DRYDOCK_TEST_REGISTRY</c>, set by
    /// eng/env.sh; started by eng/setup.sh). Anonymous, plain HTTP; never write to it in a test
    /// that depends on what it holds.
    /// </summary>
    public static string SharedHost =>
        Environment.GetEnvironmentVariable("DRYDOCK_TEST_REGISTRY") is { Length: > 0 } host ? host : "localhost:5000";

    /// <summary>
    /// The digest of what <see cref="SharedHost"/> itself serves as the manifest <paramref name="repository"/>:<paramref name="tag"/>
    /// (no proxy between), hashed from its bytes; null when there is no such tag.
    /// </summary>
    public static async Task<string?> SharedDigestAsync(string repository, string tag)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://{SharedHost}/v2/{repository}/manifests/{tag}"));
        request.Headers.Accept.ParseAdd("application/vnd.oci.image.manifest.v1+json");
        request.Headers.Accept.ParseAdd("application/vnd.oci.image.index.v1+json");
        using var response = await http.SendAsync(request);
        return response.IsSuccessStatusCode ? "sha256:" + Convert.ToHexStringLower(SHA256.HashData(await response.Content.ReadAsByteArrayAsync())) : null;
    }

    /// <summary><c>127.0.0.1:PORT</c>, also under TLS: the certificate carries the IP as a SAN.</summary>
    public string Host { get; }

    /// <summary><c>http</c> or <c>https</c>.</summary>
    public string Scheme { get; }

    /// <summary><c>{Scheme}://{Host}/</c>.</summary>
    public Uri BaseUri { get; }

    public IReadOnlyList<(string User, string Password)> Users { get; }

    /// <summary>The registry's stdout and stderr (its app log at info level and the access log).</summary>
    public string LogPath => Path.Combine(root, "registry.log");

    /// <summary>The filesystem storage driver's root directory.</summary>
    public string StorageDirectory => Path.Combine(root, "storage");

    /// <summary>
    /// With TLS, a folder laid out like containers' certs.d (<c>&lt;CertsDirectory&gt;/&lt;Host&gt;/ca.crt</c>);
    /// skopeo takes <c>--cert-dir</c> <see cref="CertDirectory"/>.
    /// </summary>
    public string? CertsDirectory { get; }

    /// <summary><c>&lt;CertsDirectory&gt;/&lt;Host&gt;</c>: the folder that holds this server's ca.crt.</summary>
    public string? CertDirectory => CertsDirectory is null ? null : Path.Combine(CertsDirectory, Host);

    /// <summary>The CA that issued the server certificate; null without TLS.</summary>
    public X509Certificate2? CaCertificate { get; }

    /// <summary>The CA certificate as PEM; null without TLS.</summary>
    public string? CaCertificatePath { get; }

    /// <summary>
    /// Starts a registry and waits until <c>GET /v2/</c> answers (200, or 401 with auth). A port that
    /// was free when picked but taken by the time the registry bound it is retried with another.
    /// </summary>
    public static async Task<RegistryServer> StartAsync(RegistryServerOptions? options = null)
    {
        options ??= new RegistryServerOptions();
        var root = Directory.CreateTempSubdirectory("drydock-registry-").FullName;
        try
        {
            using var certificates = options.Tls ? TestCertificates.Create() : null;
            var htpasswd = options.Users.Count > 0 ? await WriteHtpasswdAsync(root, options.Users) : null;
            for (var attempt = 1; ; attempt++)
            {
                var port = FreePort();
                var server = new RegistryServer(
                    StartProcess(root, WriteConfig(root, port, certificates, htpasswd)), root, port, options, CopyAuthority(certificates));
                if (certificates is not null)
                {
                    server.WriteCertificates(certificates);
                }

                var failure = await server.WaitUntilReadyAsync(options.StartTimeout);
                if (failure is null)
                {
                    return server;
                }

                var log = server.ReadLog();
                await server.StopAsync();
                server.CaCertificate?.Dispose();
                if (attempt < StartAttempts && log.Contains("address already in use", StringComparison.Ordinal))
                {
                    File.Delete(server.LogPath);
                    continue;
                }

                throw new InvalidOperationException($"docker-registry did not start on {server.Host}: {failure}\n--- registry log ---\n{log}");
            }
        }
        catch
        {
            DeleteDirectory(root);
            throw;
        }
    }

    /// <summary>The registry's log so far, for assertion messages.</summary>
    public string ReadLog()
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
        catch (FileNotFoundException)
        {
            return string.Empty;
        }
    }

    /// <summary>
    /// A client for this registry that trusts only its CA (under TLS) and sends no credentials
    /// unless <paramref name="basicAuth"/> is set.
    /// </summary>
    public HttpClient CreateClient((string User, string Password)? basicAuth = null, TimeSpan? timeout = null)
    {
        var handler = new HttpClientHandler { AllowAutoRedirect = false };
        if (CaCertificate is { } authority)
        {
            handler.ServerCertificateCustomValidationCallback =
                (_, certificate, _, errors) => TestCertificates.TrustOnly(authority, certificate, errors);
        }

        var client = new HttpClient(handler) { BaseAddress = BaseUri, Timeout = timeout ?? TimeSpan.FromSeconds(30) };
        if (basicAuth is var (user, password))
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
                "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        CaCertificate?.Dispose();
        DeleteDirectory(root);
    }

    private async Task StopAsync()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            using var timer = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await process.WaitForExitAsync(timer.Token);
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
        catch (OperationCanceledException)
        {
            // Killed but not reaped in time; the temp folder delete below is best effort then.
        }
        finally
        {
            process.Dispose();
        }
    }

    /// <summary>Null when the registry answered; otherwise why not.</summary>
    private async Task<string?> WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var client = CreateClient(timeout: TimeSpan.FromSeconds(2));
        var deadline = Stopwatch.StartNew();
        string failure = "no answer";
        while (deadline.Elapsed < timeout)
        {
            if (process.HasExited)
            {
                return $"it exited with code {process.ExitCode}";
            }

            try
            {
                using var response = await client.GetAsync(new Uri("v2/", UriKind.Relative));
                if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Unauthorized)
                {
                    return null;
                }

                failure = $"GET /v2/ answered {(int)response.StatusCode}";
            }
            catch (Exception error) when (error is HttpRequestException or TaskCanceledException)
            {
                failure = error.Message;
            }

            await Task.Delay(100);
        }

        return $"no answer to GET /v2/ within {timeout} (last: {failure})";
    }

    private void WriteCertificates(TestCertificates certificates)
    {
        Directory.CreateDirectory(CertDirectory!);
        File.WriteAllText(CaCertificatePath!, certificates.Authority.ExportCertificatePem() + "\n");
    }

    private static X509Certificate2? CopyAuthority(TestCertificates? certificates) =>
        certificates is null ? null : X509CertificateLoader.LoadCertificate(certificates.Authority.RawData);

    /// <summary>
    /// Distribution only accepts bcrypt entries (<c>htpasswd -B</c>); apache's htpasswd makes them,
    /// and .NET has no bcrypt of its own.
    /// </summary>
    private static async Task<string> WriteHtpasswdAsync(string root, IReadOnlyList<(string User, string Password)> users)
    {
        var lines = new StringBuilder();
        foreach (var (user, password) in users)
        {
            var result = await ProcessRunner.RunAsync("htpasswd", ["-Bbn", user, password], TimeSpan.FromSeconds(30), CancellationToken.None);
            if (!result.Succeeded)
            {
                throw new InvalidOperationException($"htpasswd failed ({result.ExitCode}): {result.StandardError}");
            }

            lines.Append(result.StandardOutput.Trim()).Append('\n');
        }

        var path = Path.Combine(root, "htpasswd");
        File.WriteAllText(path, lines.ToString());
        return path;
    }

    private static string WriteConfig(string root, int port, TestCertificates? certificates, string? htpasswd)
    {
        // JSON strings are valid YAML scalars, which sidesteps YAML quoting of paths.
        static string Quote(string value) => JsonSerializer.Serialize(value);

        var storage = Path.Combine(root, "storage");
        Directory.CreateDirectory(storage);
        var config = new StringBuilder();
        config.Append(CultureInfo.InvariantCulture, $$"""
            version: 0.1
            log:
              level: info
            storage:
              filesystem:
                rootdirectory: {{Quote(storage)}}
              delete:
                enabled: true
              maintenance:
                uploadpurging:
                  enabled: false
            http:
              addr: 127.0.0.1:{{port}}
              secret: {{Quote(Convert.ToHexString(RandomNumberGenerator.GetBytes(16)))}}

            """);
        if (certificates is not null)
        {
            var certificate = Path.Combine(root, "server.crt");
            var key = Path.Combine(root, "server.key");
            File.WriteAllText(certificate, certificates.Server.ExportCertificatePem() + "\n");
            File.WriteAllText(key, certificates.ServerKeyPem + "\n");
            config.Append(CultureInfo.InvariantCulture, $$"""
                  tls:
                    certificate: {{Quote(certificate)}}
                    key: {{Quote(key)}}

                """);
        }

        if (htpasswd is not null)
        {
            config.Append(CultureInfo.InvariantCulture, $$"""
                auth:
                  htpasswd:
                    realm: drydock-test
                    path: {{Quote(htpasswd)}}

                """);
        }

        var path = Path.Combine(root, "config.yml");
        File.WriteAllText(path, config.ToString());
        return path;
    }

    private static Process StartProcess(string root, string config)
    {
        var binary = Environment.GetEnvironmentVariable("DRYDOCK_REGISTRY_BINARY") is { Length: > 0 } custom ? custom : "docker-registry";

        // exec: the shell becomes the registry, so its pid is the registry's and the log is written
        // by the OS, not by a reader thread that could fall behind.
        var startInfo = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = root };
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add("exec \"$0\" serve \"$1\" >>\"$2\" 2>&1 </dev/null");
        startInfo.ArgumentList.Add(binary);
        startInfo.ArgumentList.Add(config);
        startInfo.ArgumentList.Add(Path.Combine(root, "registry.log"));
        return Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start docker-registry.");
    }

    /// <summary>A port the OS just handed out; racy by nature, hence the retries in <see cref="StartAsync"/>.</summary>
    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void DeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // A registry that would not die may still hold a file; the OS cleans temp eventually.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
