using Npgsql;

var builder = WebApplication.CreateSlimBuilder(args);
var connectionString = builder.Configuration.GetConnectionString("Todos")
    ?? throw new InvalidOperationException("Set ConnectionStrings__Todos to the PostgreSQL connection string.");
builder.Services.AddSingleton(NpgsqlDataSource.Create(connectionString));
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, TodoJson.Default));

var app = builder.Build();

// The schema, applied at start: idempotent, so every replica may run it. The database may still be
// starting (started together with the app, as an orchestrator or the image tests do): retried with
// backoff for up to a minute, then the app fails to start.
var dataSource = app.Services.GetRequiredService<NpgsqlDataSource>();
var waiting = System.Diagnostics.Stopwatch.StartNew();
for (var delay = TimeSpan.FromMilliseconds(50); ; delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 1000)))
{
    try
    {
        await using var migrate = dataSource.CreateCommand(
            "CREATE TABLE IF NOT EXISTS todos (id bigserial PRIMARY KEY, title text NOT NULL, done boolean NOT NULL DEFAULT false)");
        await migrate.ExecuteNonQueryAsync();
        break;
    }
    catch (NpgsqlException e) when (waiting.Elapsed < TimeSpan.FromMinutes(1))
    {
        app.Logger.LogInformation("The database does not answer yet ({Error}); trying again in {Delay} ms", e.Message, delay.TotalMilliseconds);
        await Task.Delay(delay);
    }
}

app.MapGet("/health", async (NpgsqlDataSource db) =>
{
    await using var ping = db.CreateCommand("SELECT 1");
    await ping.ExecuteScalarAsync();
    return Results.Ok(new Health("healthy"));
});

app.MapPost("/todos", async (NewTodo todo, NpgsqlDataSource db) =>
{
    if (string.IsNullOrWhiteSpace(todo.Title))
    {
        return Results.BadRequest(new Problem("title is required"));
    }

    await using var insert = db.CreateCommand("INSERT INTO todos (title) VALUES ($1) RETURNING id");
    insert.Parameters.AddWithValue(todo.Title);
    var id = (long)(await insert.ExecuteScalarAsync())!;
    return Results.Created($"/todos/{id}", new Todo(id, todo.Title, false));
});

app.MapGet("/todos/{id:long}", async (long id, NpgsqlDataSource db) =>
{
    await using var select = db.CreateCommand("SELECT id, title, done FROM todos WHERE id = $1");
    select.Parameters.AddWithValue(id);
    await using var reader = await select.ExecuteReaderAsync();
    return await reader.ReadAsync()
        ? Results.Ok(new Todo(reader.GetInt64(0), reader.GetString(1), reader.GetBoolean(2)))
        : Results.NotFound();
});

app.MapGet("/todos", async (NpgsqlDataSource db) =>
{
    await using var select = db.CreateCommand("SELECT id, title, done FROM todos ORDER BY id");
    await using var reader = await select.ExecuteReaderAsync();
    var todos = new List<Todo>();
    while (await reader.ReadAsync())
    {
        todos.Add(new Todo(reader.GetInt64(0), reader.GetString(1), reader.GetBoolean(2)));
    }

    return Results.Ok(todos);
});

app.Run();

record NewTodo(string? Title);
record Todo(long Id, string Title, bool Done);
record Health(string Status);
record Problem(string Error);

[System.Text.Json.Serialization.JsonSerializable(typeof(NewTodo))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Todo))]
[System.Text.Json.Serialization.JsonSerializable(typeof(List<Todo>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Health))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Problem))]
partial class TodoJson : System.Text.Json.Serialization.JsonSerializerContext;
