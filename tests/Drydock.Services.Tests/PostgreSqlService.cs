using Drydock.Services.Tests.Support;
using DotNet.Testcontainers.Images;
using Npgsql;
using Testcontainers.PostgreSql;

namespace Drydock.Services.Tests;

/// <summary>Testcontainers' PostgreSql module starts the offline postgres image on each engine; Npgsql writes and reads through it.</summary>
public class PostgreSqlService
{
    [Theory]
    [MemberData(nameof(Engines.Names), MemberType = typeof(Engines))]
    public async Task Module_starts_offline_image_and_Npgsql_writes_and_reads_rows(string engine)
    {
        var runId = Engines.NewRunId();
        var password = Guid.NewGuid().ToString("N");
        using var timeout = new CancellationTokenSource(Engines.StartTimeout);

        await using (var postgres = new PostgreSqlBuilder(Engines.PostgresImage)
            .WithDockerEndpoint(Engines.Endpoint(engine))
            .WithImagePullPolicy(PullPolicy.Always)
            .WithLabel(Engines.RunLabel, runId)
            .WithDatabase("shop")
            .WithUsername("shop")
            .WithPassword(password)
            .Build())
        {
            await postgres.StartAsync(timeout.Token);
            Assert.Single((await Engines.OfRunAsync(engine, runId)).Containers);

            await using var connection = new NpgsqlConnection(postgres.GetConnectionString());
            await connection.OpenAsync(timeout.Token);
            await using (var create = new NpgsqlCommand(
                "CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL); INSERT INTO items (name) VALUES ('anchor'), ('bollard'), ('capstan')",
                connection))
            {
                Assert.Equal(3, await create.ExecuteNonQueryAsync(timeout.Token));
            }

            var names = new List<string>();
            await using (var select = new NpgsqlCommand("SELECT name FROM items ORDER BY id", connection))
            await using (var reader = await select.ExecuteReaderAsync(timeout.Token))
            {
                while (await reader.ReadAsync(timeout.Token))
                {
                    names.Add(reader.GetString(0));
                }
            }

            Assert.Equal(["anchor", "bollard", "capstan"], names);
            await using var user = new NpgsqlCommand("SELECT current_user || '@' || current_database() || ' ' || pg_encoding_to_char(encoding) FROM pg_database WHERE datname = current_database()", connection);
            Assert.Equal("shop@shop UTF8", await user.ExecuteScalarAsync(timeout.Token));

            // From outside the container the password is checked (scram-sha-256), as in the official image.
            var wrong = new NpgsqlConnectionStringBuilder(postgres.GetConnectionString()) { Password = "not-" + password };
            await using var intruder = new NpgsqlConnection(wrong.ConnectionString);
            var refused = await Assert.ThrowsAsync<PostgresException>(() => intruder.OpenAsync(timeout.Token));
            Assert.Equal(PostgresErrorCodes.InvalidPassword, refused.SqlState);
        }

        var left = await Engines.OfRunAsync(engine, runId);
        Assert.Empty(left.Containers);
    }
}
