using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Drydock.Services.Tests.Support;
using DotNet.Testcontainers.Images;
using Npgsql;
using Testcontainers.PostgreSql;

namespace Drydock.Services.Tests;

/// <summary>
/// Testcontainers' PostgreSql module with TLS: its own entrypoint (/bin/sh, install, id, then
/// docker-entrypoint.sh) runs in the offline image, and the server speaks TLS with the given key.
/// </summary>
public sealed class PostgreSqlTls : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("drydock-tls-").FullName;

    [Theory]
    [MemberData(nameof(Engines.Names), MemberType = typeof(Engines))]
    public async Task Module_with_ssl_serves_tls_from_offline_image(string engine)
    {
        var (certificate, key) = WriteSelfSignedCertificate();
        var runId = Engines.NewRunId();
        using var timeout = new CancellationTokenSource(Engines.StartTimeout);

        await using (var postgres = new PostgreSqlBuilder(Engines.PostgresImage)
            .WithDockerEndpoint(Engines.Endpoint(engine))
            .WithImagePullPolicy(PullPolicy.Always)
            .WithLabel(Engines.RunLabel, runId)
            .WithSsl(certificate, key)
            .Build())
        {
            await postgres.StartAsync(timeout.Token);

            var tls = new NpgsqlConnectionStringBuilder(postgres.GetConnectionString()) { SslMode = SslMode.Require };
            await using var connection = new NpgsqlConnection(tls.ConnectionString);
            await connection.OpenAsync(timeout.Token);
            await using var query = new NpgsqlCommand("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", connection);
            Assert.Equal(true, await query.ExecuteScalarAsync(timeout.Token));
        }

        Assert.Empty((await Engines.OfRunAsync(engine, runId)).Containers);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private (string Certificate, string Key) WriteSelfSignedCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var certificatePath = Path.Combine(_directory, "server.crt");
        var keyPath = Path.Combine(_directory, "server.key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, rsa.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath);
    }
}
