using Drydock.Services.Tests.Support;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Images;
using Npgsql;
using Testcontainers.PostgreSql;

namespace Drydock.Services.Tests;

/// <summary>
/// The shape of an app's image test with a backing service: the database joins a user-defined
/// network under an alias, and a second container on that network (the app's place) reaches it by
/// that alias with a password. Everything carries the run label and is gone afterwards.
/// </summary>
public class NetworkAlias
{
    [Theory]
    [MemberData(nameof(Engines.Names), MemberType = typeof(Engines))]
    public async Task Second_container_reaches_database_by_alias(string engine)
    {
        var runId = Engines.NewRunId();
        var password = Guid.NewGuid().ToString("N");
        using var timeout = new CancellationTokenSource(Engines.StartTimeout);

        await using (var network = new NetworkBuilder()
            .WithDockerEndpoint(Engines.Endpoint(engine))
            .WithName(runId)
            .WithLabel(Engines.RunLabel, runId)
            .Build())
        await using (var postgres = new PostgreSqlBuilder(Engines.PostgresImage)
            .WithDockerEndpoint(Engines.Endpoint(engine))
            .WithImagePullPolicy(PullPolicy.Always)
            .WithLabel(Engines.RunLabel, runId)
            .WithNetwork(network)
            .WithNetworkAliases("db")
            .WithPassword(password)
            .Build())
        // The offline postgres image doubles as the client: it has psql and a shell.
        await using (var client = new ContainerBuilder(Engines.PostgresImage)
            .WithDockerEndpoint(Engines.Endpoint(engine))
            .WithLabel(Engines.RunLabel, runId)
            .WithNetwork(network)
            .WithEntrypoint("sh", "-c", "trap 'exit 0' TERM; sleep 600 & wait")
            .Build())
        {
            await network.CreateAsync(timeout.Token);
            await postgres.StartAsync(timeout.Token);
            await client.StartAsync(timeout.Token);

            var running = await Engines.OfRunAsync(engine, runId);
            Assert.Equal(2, running.Containers.Count);
            Assert.Equal([runId], running.Networks);

            await using (var connection = new NpgsqlConnection(postgres.GetConnectionString()))
            {
                await connection.OpenAsync(timeout.Token);
                await using var seed = new NpgsqlCommand("CREATE TABLE orders (id int); INSERT INTO orders VALUES (1), (2)", connection);
                await seed.ExecuteNonQueryAsync(timeout.Token);
            }

            var query = await client.ExecAsync(
                ["psql", $"postgresql://postgres:{password}@db:5432/postgres", "-tAc", "SELECT count(*) FROM orders"], timeout.Token);
            Assert.True(query.ExitCode == 0, $"psql by alias failed ({query.ExitCode}): {query.Stderr}");
            Assert.Equal("2", query.Stdout.Trim());

            var refused = await client.ExecAsync(
                ["psql", "postgresql://postgres:wrong@db:5432/postgres", "-tAc", "SELECT 1"], timeout.Token);
            Assert.NotEqual(0, refused.ExitCode);
            Assert.Contains("password authentication failed", refused.Stderr, StringComparison.Ordinal);
        }

        var left = await Engines.OfRunAsync(engine, runId);
        Assert.Empty(left.Containers);
        Assert.Empty(left.Networks);
    }
}
