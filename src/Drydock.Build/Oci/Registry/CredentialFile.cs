using System.Text;
using System.Text.Json;
using Drydock.Build.Diagnostics;

namespace Drydock.Build.Oci.Registry;

/// <summary>
/// docker's <c>config.json</c> or podman's <c>auth.json</c>: both keep logins under <c>auths</c>, and docker also names
/// credential helpers in <c>credHelpers</c> (per registry) and <c>credsStore</c> (for all). Formats: docker-config-json(5)
/// and containers-auth.json(5). Only the entry for the registry asked about is decoded, so a broken entry for another
/// registry fails nothing.
/// </summary>
internal sealed class CredentialFile
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly JsonElement root;

    private CredentialFile(string path, JsonElement root)
    {
        Path = path;
        this.root = root;
    }

    public string Path { get; }

    /// <summary>Reads docker's <c>config.json</c>, or returns null when there is no such file.</summary>
    public static CredentialFile? ReadDockerConfig(string path) => Read(path);

    /// <summary>Reads podman's <c>auth.json</c>, or returns null when there is no such file.</summary>
    public static CredentialFile? ReadPodmanAuth(string path) => Read(path);

    /// <summary>
    /// The helper docker would ask for <paramref name="registry"/> (a normalized key): its <c>credHelpers</c> entry, else
    /// <c>credsStore</c>. An empty <c>credHelpers</c> entry means "no helper for this registry", as in docker/cli
    /// (<c>getConfiguredCredentialStore</c>). Null when the logins in <c>auths</c> are all there is.
    /// </summary>
    /// <returns>The helper name (<c>docker-credential-</c> is left off) and the setting it came from.</returns>
    public (string Name, string Setting)? FindHelper(string registry)
    {
        foreach (var (key, value) in Entries("credHelpers"))
        {
            if (RegistryKey.Normalize(key) == registry)
            {
                var name = AsString(value, $"credHelpers.{key}");
                return string.IsNullOrEmpty(name) ? null : (CheckHelperName(name, $"credHelpers.{key}"), $"credHelpers: {name}");
            }
        }

        var store = root.TryGetProperty("credsStore", out var storeValue) ? AsString(storeValue, "credsStore") : null;
        return string.IsNullOrEmpty(store) ? null : (CheckHelperName(store, "credsStore"), $"credsStore: {store}");
    }

    /// <summary>
    /// The login in <c>auths</c> for <paramref name="registry"/> (a normalized key) and <paramref name="repository"/>:
    /// the most specific key that fits (<c>ghcr.io/acme/app</c> before <c>ghcr.io/acme</c> before <c>ghcr.io</c>), as
    /// containers-auth.json(5) says; null when none fits. Entries without credentials are skipped: docker leaves
    /// <c>{}</c> under <c>auths</c> for registries whose secret a helper holds.
    /// </summary>
    public RegistryCredential? FindLogin(string registry, string? repository = null)
    {
        var candidates = Entries("auths")
            .Select(entry => (entry.Key, entry.Value, Rank: RegistryKey.NormalizeScoped(entry.Key) is { } scoped ? RegistryKey.Specificity(scoped, registry, repository) : -1))
            .Where(entry => entry.Rank >= 0)
            .OrderByDescending(entry => entry.Rank);
        foreach (var (key, entry, _) in candidates)
        {
            if (ReadLogin(key, entry) is { } credential)
            {
                return credential;
            }
        }

        return null;
    }

    private static CredentialFile? Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DrydockException(
                KnownCodes.CredentialConfigInvalid,
                $"The registry credential file '{path}' could not be read ({e.Message}). Fix its permissions, or remove it.",
                e);
        }

        // docker and podman both read an empty file as one without logins.
        if (bytes.All(b => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(bytes);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(path, null, "is not a JSON object");
            }

            return new CredentialFile(path, document.RootElement.Clone());
        }
        catch (JsonException e)
        {
            // Only the position, and no inner exception: JsonException's message quotes the character it stumbled
            // on, which may be part of a secret.
            throw Invalid(path, null, $"is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})");
        }
    }

    /// <summary>The message names the file and the entry, never a value: values are secrets.</summary>
    private static DrydockException Invalid(string path, string? entry, string problem) =>
        new(
            KnownCodes.CredentialConfigInvalid,
            (entry is null ? $"The registry credential file '{path}' {problem}. " : $"The registry credential file '{path}' has an entry {MessageText.Quote(entry)} that {problem}. ") +
            "Fix or remove it (docker login and podman login rewrite their entries).");

    private string CheckHelperName(string name, string entry) =>
        name.IndexOfAny(['/', '\\']) < 0
            ? name
            : throw Invalid(Path, entry, "names a path, not a helper: docker runs docker-credential-<name> from PATH");

    private IEnumerable<(string Key, JsonElement Value)> Entries(string section)
    {
        if (!root.TryGetProperty(section, out var map) || map.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        return map.ValueKind == JsonValueKind.Object
            ? map.EnumerateObject().Select(property => (property.Name, property.Value))
            : throw Invalid(Path, section, "is not a JSON object");
    }

    private RegistryCredential? ReadLogin(string key, JsonElement entry)
    {
        var where = $"auths.{key}";
        if (entry.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(Path, where, "is not a JSON object");
        }

        // An identity token replaces the password (docker-config-json(5)); the user name beside it does not matter.
        var token = Field(entry, "identitytoken", where);
        if (!string.IsNullOrEmpty(token))
        {
            return new RegistryCredential(RegistryCredential.IdentityTokenUser, token, Path);
        }

        var auth = Field(entry, "auth", where);
        if (!string.IsNullOrWhiteSpace(auth))
        {
            var (username, password) = DecodeAuth(auth.Trim(), where);
            return new RegistryCredential(username, password, Path);
        }

        var user = Field(entry, "username", where);
        var secret = Field(entry, "password", where);
        return string.IsNullOrEmpty(user) || secret is null ? null : new RegistryCredential(user, secret, Path);
    }

    /// <summary><c>auth</c> is base64 of <c>user:password</c>; the user name cannot hold a colon, the password can.</summary>
    private (string Username, string Password) DecodeAuth(string auth, string where)
    {
        var bytes = new byte[auth.Length];
        string text;
        try
        {
            text = Convert.TryFromBase64String(auth, bytes, out var length)
                ? StrictUtf8.GetString(bytes, 0, length)
                : throw Invalid(Path, where + ".auth", "is not base64");
        }
        catch (DecoderFallbackException)
        {
            // Not passed on as the inner exception: its message quotes the bytes.
            throw Invalid(Path, where + ".auth", "is not base64 of UTF-8 text");
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon > 0
            ? (text[..colon], text[(colon + 1)..])
            : throw Invalid(Path, where + ".auth", "is not base64 of 'user:password'");
    }

    private string? Field(JsonElement entry, string name, string where) =>
        entry.TryGetProperty(name, out var value) ? AsString(value, $"{where}.{name}") : null;

    private string? AsString(JsonElement value, string where) =>
        value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Null => null,
            _ => throw Invalid(Path, where, "is not a JSON string"),
        };
}
