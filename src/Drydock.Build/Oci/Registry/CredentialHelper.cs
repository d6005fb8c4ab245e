using System.Text.Json;
using Drydock.Build.Diagnostics;
using Drydock.Processes;

namespace Drydock.Build.Oci.Registry;

/// <summary>
/// Asks a docker credential helper (<c>docker-credential-&lt;name&gt; get</c>) for a registry's login, the way docker
/// does: the server URL on standard input, <c>{"ServerURL","Username","Secret"}</c> on standard output, and a failure
/// whose text says "credentials not found" when the helper has none
/// (https://github.com/docker/docker-credential-helpers, <c>client.Get</c>).
/// </summary>
internal static class CredentialHelper
{
    /// <summary>Helpers may unlock a keychain or call a cloud API; a slow one should not hang the build.</summary>
    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private const string NotFoundMessage = "credentials not found";

    /// <summary>
    /// The helper's login for <paramref name="serverUrl"/>, or null when it has none. The helper is looked up on the PATH
    /// of <paramref name="environment"/>, which it also runs with.
    /// </summary>
    public static RegistryCredential? Get(
        string name,
        string serverUrl,
        string source,
        IReadOnlyDictionary<string, string?> environment,
        CancellationToken cancellationToken)
    {
        var program = "docker-credential-" + name;
        ProcessResult result;
        try
        {
            result = ProcessRunner.Run(program, ["get"], Timeout, cancellationToken, environment: environment, standardInput: serverUrl);
        }
        catch (FileNotFoundException e)
        {
            throw Failed(program, serverUrl, source, $"{e.Message} Install it, or remove the entry");
        }
        catch (TimeoutException)
        {
            throw Failed(program, serverUrl, source, $"it did not answer within {Timeout.TotalSeconds:0} s (is it waiting for a keychain to be unlocked?). Check it with 'echo {serverUrl} | {program} get'");
        }

        if (!result.Succeeded)
        {
            // Helpers built on docker-credential-helpers print their errors to standard output; others use standard error.
            if (result.StandardOutput.Contains(NotFoundMessage, StringComparison.OrdinalIgnoreCase)
                || result.StandardError.Contains(NotFoundMessage, StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            throw Failed(program, serverUrl, source, $"it exited with code {result.ExitCode}: {FirstLine(result)}. Check it with 'echo {serverUrl} | {program} get', or log in again");
        }

        var credential = Parse(result.StandardOutput, source);

        // An empty answer is how some helpers say they have nothing for the registry.
        return credential is null
            ? throw Failed(program, serverUrl, source, "it printed no JSON object with string 'Username' and 'Secret' (the output is not shown: it may hold a secret). Check it, or update it")
            : credential.Secret.Length == 0 ? null : credential;
    }

    private static RegistryCredential? Parse(string output, string source)
    {
        try
        {
            using var document = JsonDocument.Parse(output);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("Username", out var username) && username.ValueKind == JsonValueKind.String
                && root.TryGetProperty("Secret", out var secret) && secret.ValueKind == JsonValueKind.String
                    ? new RegistryCredential(username.GetString()!, secret.GetString()!, source)
                    : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The helper's own words on failure, one line, bounded; there are no credentials in a failed answer.</summary>
    private static string FirstLine(ProcessResult result)
    {
        var line = result.FirstErrorLine;
        if (line.Length == 0)
        {
            line = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
        }

        return line.Length == 0 ? "no output" : MessageText.Quote(line.Length > 200 ? line[..200] + "…" : line);
    }

    private static DrydockException Failed(string program, string serverUrl, string source, string why) =>
        new(
            KnownCodes.CredentialHelperFailed,
            $"The credential helper {program} (from {source}) failed for registry {MessageText.Quote(serverUrl)}: {why}. " +
            "Or set DRYDOCK_REGISTRY_USER and DRYDOCK_REGISTRY_PASSWORD.");
}
