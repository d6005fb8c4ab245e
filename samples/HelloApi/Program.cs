var builder = WebApplication.CreateSlimBuilder(args);
var app = builder.Build();

app.MapGet("/", () => "Hello from Drydock!");
app.MapGet("/health", () => Results.Ok(new { status = "healthy" }));

app.Run();
