using Drydock.Services.Tests.Support;
using DotNet.Testcontainers.Images;
using StackExchange.Redis;
using Testcontainers.Redis;

namespace Drydock.Services.Tests;

/// <summary>Testcontainers' Redis module starts the offline redis image on each engine; StackExchange.Redis sets and gets through it.</summary>
public class RedisService
{
    [Theory]
    [MemberData(nameof(Engines.Names), MemberType = typeof(Engines))]
    public async Task Module_starts_offline_image_and_client_sets_and_gets(string engine)
    {
        var runId = Engines.NewRunId();
        using var timeout = new CancellationTokenSource(Engines.StartTimeout);

        await using (var redis = new RedisBuilder(Engines.RedisImage)
            .WithDockerEndpoint(Engines.Endpoint(engine))
            .WithImagePullPolicy(PullPolicy.Always)
            .WithLabel(Engines.RunLabel, runId)
            .Build())
        {
            await redis.StartAsync(timeout.Token);
            Assert.Single((await Engines.OfRunAsync(engine, runId)).Containers);

            await using var client = await ConnectionMultiplexer.ConnectAsync(redis.GetConnectionString());
            var database = client.GetDatabase();
            var value = Guid.NewGuid().ToString("N");
            Assert.True(await database.StringSetAsync("drydock:key", value));
            Assert.Equal(value, (string?)await database.StringGetAsync("drydock:key"));
            Assert.Equal(1, await database.StringIncrementAsync("drydock:counter"));
        }

        var left = await Engines.OfRunAsync(engine, runId);
        Assert.Empty(left.Containers);
    }
}
