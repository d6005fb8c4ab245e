using Drydock.Testing;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Networks;
using Testcontainers.PostgreSql;
using Xunit;

namespace TodoApi.ImageTests;

/// <summary>
/// A real PostgreSQL for the app, started with Testcontainers on a network of its own that the app's
/// container joins (the database answers there as <c>db</c>). Both carry the test run's labels, so
/// Drydock removes them with the app's containers even if this fixture never gets to.
/// </summary>
public sealed class Database : IAsyncLifetime
{
    public const string Alias = "db";

    private readonly INetwork _network;
    private readonly PostgreSqlContainer _postgres;

    public Database()
    {
        _network = new NetworkBuilder().WithLabel(TestRun.Labels).Build();
        // A Docker Hub name, as anywhere: TESTCONTAINERS_HUB_IMAGE_NAME_PREFIX maps it to a mirror offline.
        _postgres = new PostgreSqlBuilder("postgres:15")
            .WithDatabase("todos")
            .WithNetwork(_network)
            .WithNetworkAliases(Alias)
            .WithLabel(TestRun.Labels)
            .Build();
    }

    /// <summary>The network the app's container joins.</summary>
    public string Network => _network.Name;

    /// <summary>The connection string the app uses, from inside that network.</summary>
    public string ConnectionString => $"Host={Alias};Username={PostgreSqlBuilder.DefaultUsername};Password={PostgreSqlBuilder.DefaultPassword};Database=todos";

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
