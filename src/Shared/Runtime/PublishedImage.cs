using System.Text;
using System.Text.Json;

namespace Drydock.Runtime;

/// <summary>
/// The image a publish last tested a test project against, left in that test project's
/// <c>obj/drydock-image.json</c> (linked source: Drydock.Build writes it before each test run, Drydock.Testing
/// reads it when no <c>DRYDOCK_IMAGE</c> is set, as in Test Explorer or a bare <c>dotnet test</c>). obj/
/// because it is the project's own, never committed, and found from the test assembly by walking up.
/// </summary>
/// <param name="Image">The image id (config digest) the publish tested: exactly those bytes.</param>
/// <param name="ImageDigest">The manifest digest, for messages.</param>
/// <param name="Runtime"><c>docker</c> or <c>podman</c>: where the image was loaded.</param>
/// <param name="Revision">The git commit the image was built from (full hash), or empty.</param>
/// <param name="App">The app project's full path.</param>
/// <param name="Configuration">The publish's configuration (<c>Release</c>).</param>
/// <param name="Report">The publish's <c>drydock.json</c>.</param>
/// <param name="Profile">The resolved profile, as the <c>DRYDOCK_TEST_*</c> variables the publish set.</param>
/// <param name="Connection">
/// The engine the image was loaded into, as the connection variables the publish had (<see cref="EngineEndpoint.Variables"/>:
/// <c>DOCKER_HOST</c>, <c>DOCKER_CONTEXT</c>, <c>DOCKER_TLS_VERIFY</c>, <c>DOCKER_CERT_PATH</c>, …: endpoints and paths,
/// never a key or a password); empty for the engine's default. A test run whose environment names no engine uses them.
/// </param>
internal sealed record PublishedImage(
    string Image, string ImageDigest, string Runtime, string Revision, string App, string Configuration, string Report, IReadOnlyDictionary<string, string> Profile,
    IReadOnlyDictionary<string, string>? Connection = null)
{
    /// <summary>The file's name, in the test project's <c>obj/</c>.</summary>
    public const string FileName = "drydock-image.json";

    /// <summary>
    /// The command that publishes the app again, and so tests it and rewrites this file: on the same engine
    /// (<c>-p:LocalRegistry</c>, which the publish may have had from its command line; another engine would answer first
    /// where both run). Other <c>-p:</c> properties of that publish are not recorded: the user adds them.
    /// </summary>
    public string PublishCommand => PublishCommandFor(App, Configuration)
        + (Runtime is "docker" or "podman" ? $" -p:LocalRegistry={char.ToUpperInvariant(Runtime[0])}{Runtime[1..]}" : "");

    public static string PublishCommandFor(string app, string configuration) =>
        $"dotnet publish {(app.Contains(' ', StringComparison.Ordinal) ? $"\"{app}\"" : app)} -c {configuration}";

    /// <summary>The file's text: UTF-8 JSON, keys in a fixed order, so an unchanged publish writes the same bytes.</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("image", Image);
            writer.WriteString("imageDigest", ImageDigest);
            writer.WriteString("runtime", Runtime);
            writer.WriteString("revision", Revision);
            writer.WriteString("app", App);
            writer.WriteString("configuration", Configuration);
            writer.WriteString("report", Report);
            writer.WriteStartObject("profile");
            foreach (var (name, value) in Profile.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            {
                writer.WriteString(name, value);
            }

            writer.WriteEndObject();
            writer.WriteStartObject("engine");
            foreach (var (name, value) in (Connection ?? new Dictionary<string, string>()).OrderBy(pair => pair.Key, StringComparer.Ordinal))
            {
                writer.WriteString(name, value);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>The file at <paramref name="path"/>; null when it is missing or not this format (a file of another version is ignored, not trusted).</summary>
    public static PublishedImage? Read(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var root = document.RootElement;
            string Text(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
            Dictionary<string, string> Map(string name, Func<string, bool> keep)
            {
                var map = new Dictionary<string, string>(StringComparer.Ordinal);
                if (root.TryGetProperty(name, out var variables) && variables.ValueKind == JsonValueKind.Object)
                {
                    foreach (var variable in variables.EnumerateObject().Where(variable => variable.Value.ValueKind == JsonValueKind.String && keep(variable.Name)))
                    {
                        map[variable.Name] = variable.Value.GetString()!;
                    }
                }

                return map;
            }

            // Only connection variables: the file cannot make a test host set anything else.
            var image = new PublishedImage(Text("image"), Text("imageDigest"), Text("runtime"), Text("revision"), Text("app"), Text("configuration"), Text("report"),
                Map("profile", _ => true), Map("engine", EngineEndpoint.Variables.Contains));
            return image.Image.Length > 0 && image.App.Length > 0 ? image : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }
}
