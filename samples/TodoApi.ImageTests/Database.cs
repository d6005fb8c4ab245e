using Drydock.Testing;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Networks;
using Testcontainers.PostgreSql;
using Xunit;

namespace TodoApi.ImageTests;

/// <summary>
/// A real PostgreSQL for the app, started with Testcontainers on a network of its own that the app's
/// container joins (the database answers there as <c>db</c>), labelled with the test run so Drydock
/// removes it with the app's containers.
/// </summary>
public sealed class Database : IAsyncLifetime
{
    public const string Alias = "db";

    private readonly INetwork _network;
    private readonly PostgreSqlContainer _postgres;

    public Database()
    {
        _network = new NetworkBuilder().WithLabel(TestRun.Label.Key, TestRun.Label.Value).Build();
        _postgres = new PostgreSqlBuilder("postgres:15")
            .WithDatabase("todos")
            .WithNetwork(_network)
            .WithNetworkAliases(Alias)
            .WithLabel(TestRun.Label.Key, TestRun.Label.Value)
            .Build();
    }

    /// <summary>The network the app's container joins.</summary>
    public string Network => _network.Name;

    /// <summary>The connection string the app uses, from inside that network.</summary>
    public string ConnectionString => $"Host={Alias};Username=postgres;Password=postgres;Database=todos";

    public async Task InitializeAsync()
    {
        await _network.CreateAsync();
        await _postgres.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _postgres.DisposeAsync();
        await _network.DisposeAsync();
    }
}
