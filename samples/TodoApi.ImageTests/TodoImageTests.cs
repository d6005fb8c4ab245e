using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Drydock.Testing;
using Xunit;

namespace TodoApi.ImageTests;

/// <summary>
/// The TodoApi image as production runs it (1 CPU, 256 MiB, read-only root, 10 ms latency each way;
/// see ContainerTest* in TodoApi.csproj), against a real PostgreSQL.
/// </summary>
public class TodoImageTests(ImageUnderTest image, Database database)
    : IClassFixture<ImageUnderTest>, IClassFixture<Database>
{
    /// <summary>The app on the database's network, started while the database may still be starting; the database's own failure comes first.</summary>
    private async Task<RunningContainer> StartAppAsync()
    {
        var app = image.StartAsync(o =>
        {
            o.Network = database.Network;
            o.Environment["ConnectionStrings__Todos"] = database.ConnectionString;
        });
        await Task.WhenAll(database.Started, app);
        return await app;
    }

    [Fact]
    public async Task Creates_reads_and_lists_rows()
    {
        await using var app = await StartAppAsync();

        var created = await app.Http.PostAsJsonAsync("/todos", new { title = "ship the image" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var todo = await created.Content.ReadFromJsonAsync<Todo>();
        Assert.NotNull(todo);

        var read = await app.Http.GetFromJsonAsync<Todo>(created.Headers.Location);
        Assert.Equal(new Todo(todo.Id, "ship the image", false), read);

        var all = await app.Http.GetFromJsonAsync<Todo[]>("/todos");
        Assert.Contains(all!, t => t.Id == todo.Id);
    }

    [Fact]
    public async Task Rows_outlive_the_container()
    {
        long id;
        await using (var first = await StartAppAsync())
        {
            var created = await first.Http.PostAsJsonAsync("/todos", new { title = "persist me" });
            id = (await created.Content.ReadFromJsonAsync<Todo>())!.Id;
        }

        await using var second = await StartAppAsync();
        Assert.Equal("persist me", (await second.Http.GetFromJsonAsync<Todo>($"/todos/{id}"))!.Title);
    }

    [Fact]
    public async Task Refuses_a_todo_without_title()
    {
        await using var app = await StartAppAsync();

        var response = await app.Http.PostAsJsonAsync("/todos", new { title = " " });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    /// <summary>
    /// The service level under the profile: p95 of a list request stays under 250 ms with the profile's
    /// latency (20 ms per round trip) and one CPU, after a warm-up.
    /// </summary>
    [Fact]
    public async Task Lists_within_the_latency_budget()
    {
        await using var app = await StartAppAsync();
        await app.Http.PostAsJsonAsync("/todos", new { title = "measure me" });
        for (var i = 0; i < 20; i++)
        {
            await app.Http.GetAsync("/todos");
        }

        var samples = new List<double>();
        for (var i = 0; i < 200; i++)
        {
            var clock = Stopwatch.StartNew();
            using var response = await app.Http.GetAsync("/todos");
            response.EnsureSuccessStatusCode();
            samples.Add(clock.Elapsed.TotalMilliseconds);
        }

        samples.Sort();
        var p95 = samples[(int)Math.Ceiling(samples.Count * 0.95) - 1];
        Assert.True(p95 >= 20, $"p95 {p95:0.0} ms is below the injected latency: the proxy is not in the path");
        Assert.True(p95 < 250, $"p95 {p95:0.0} ms over the 250 ms budget (median {samples[samples.Count / 2]:0.0} ms)");
    }

    private sealed record Todo(long Id, string Title, bool Done);
}
