using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Drydock.Build.Oci;

/// <summary>
/// One way to write image JSON, so the same document always gives the same bytes and digest:
/// no indentation, properties in the order they were read or added, and the relaxed encoder so that
/// media types read plainly (<c>+json</c>, not <c>\u002Bjson</c>).
/// </summary>
internal static class OciJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static byte[] Serialize(JsonNode node) => JsonSerializer.SerializeToUtf8Bytes(node, Options);

    /// <summary>Parses <paramref name="utf8"/> as a JSON object or returns null when it is not one.</summary>
    public static JsonObject? TryParseObject(ReadOnlySpan<byte> utf8)
    {
        try
        {
            return JsonNode.Parse(utf8) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The node's string value, or null when it is missing or not a JSON string.</summary>
    public static string? GetString(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}
