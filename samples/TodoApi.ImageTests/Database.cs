using Drydock.Testing;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Networks;
using Testcontainers.PostgreSql;
using Xunit;

namespace TodoApi.ImageTests;

/// <summary>
/// A real PostgreSQL for the app, started with Testcontainers on a network of its own that the app's
/// container joins (the database answers there as <c>db</c>). Both carry the test run's labels, so
/// Drydock removes them with the app's containers even if this fixture never gets to. The fixture
/// creates the network and only starts the database: the app's first container starts meanwhile (the
/// app waits for its database), and a test awaits <see cref="Started"/> with it.
/// </summary>
public sealed class Database : IAsyncLifetime
{
    public const string Alias = "db";

    private readonly INetwork _network;
    private readonly PostgreSqlContainer _postgres;
    private Task _started = Task.CompletedTask;

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

    /// <summary>Completes when PostgreSQL is ready (Testcontainers' wait strategy); faults with its start's failure.</summary>
    public Task Started => _started;

    public async Task InitializeAsync()
    {
        await _network.CreateAsync();
        _started = _postgres.StartAsync();
    }

    public async Task DisposeAsync()
    {
        // A start that failed was reported by the tests; whatever it left is removed below.
        await _started.ContinueWith(_ => { }, TaskScheduler.Default);
        await _postgres.DisposeAsync();
        await _network.DisposeAsync();
    }
}
