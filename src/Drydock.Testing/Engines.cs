using System.Collections.Concurrent;

using Drydock.Runtime;

namespace Drydock.Testing;

/// <summary>The engine a test host uses: the one named (<see cref="ImageOptions.Runtime"/>), or the detected one, each probed once per process.</summary>
internal static class Engines
{
    private static readonly ConcurrentDictionary<string, Lazy<ContainerEngine?>> Probed = new(StringComparer.Ordinal);

    /// <summary>
    /// The engine <paramref name="runtime"/> (<c>docker</c>, <c>podman</c>), or when empty the first that answers of docker, podman;
    /// reached with <paramref name="connection"/>'s variables in place of this process's when given (<see cref="ImageOptions.Connection"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">DRY5103 for an unknown name; DRY5105 when no engine answers.</exception>
    public static ContainerEngine Resolve(string? runtime, IReadOnlyDictionary<string, string>? connection = null)
    {
        if (runtime is { Length: > 0 } && !ContainerEngine.IsKnown(runtime))
        {
            throw Settings.Invalid("Runtime", runtime, Settings.RuntimeHint);
        }

        var key = runtime?.ToLowerInvariant() ?? "";
        // Another DOCKER_HOST (or context, CONTAINER_HOST) is another engine.
        Func<string, string?> environment = connection is null ? Environment.GetEnvironmentVariable
            : name => EngineEndpoint.Variables.Contains(name) ? connection.GetValueOrDefault(name) : Environment.GetEnvironmentVariable(name);
        var pinned = string.Join('\n', EngineEndpoint.Pinned(environment).Select(variable => $"{variable.Key}={variable.Value}"));
        var engine = Probed.GetOrAdd(key + "\n" + pinned, _ => new Lazy<ContainerEngine?>(() => key.Length > 0 && Loaded(key)
            // The publish just loaded the image into this engine: it answers. One process less per test host.
            ? ContainerEngine.Named(key, ImageTestCodes.RuntimeFailed, environment)
            : (key.Length > 0
            ? ContainerEngine.AnsweringAsync(key, ImageTestCodes.RuntimeFailed, CancellationToken.None, environment)
            : ContainerEngine.DetectAsync(ImageTestCodes.RuntimeFailed, CancellationToken.None, environment)).GetAwaiter().GetResult())).Value;
        return engine ?? throw new InvalidOperationException(key.Length > 0
            ? $"{ImageTestCodes.RuntimeFailed}: '{key} version' reaches no running engine (for docker: check DOCKER_HOST and 'docker context ls'); start it, or set {DrydockVariables.Runtime} to the other engine."
            : $"{ImageTestCodes.RuntimeFailed}: neither 'docker version' nor 'podman version' reaches a running engine; start one, or set {DrydockVariables.Runtime}.");
    }

    /// <summary>Whether the publish says it loaded the image into <paramref name="runtime"/> (<see cref="DrydockVariables.ImageLoaded"/>).</summary>
    private static bool Loaded(string runtime) =>
        Environment.GetEnvironmentVariable(DrydockVariables.ImageLoaded) == "true"
        && string.Equals(Environment.GetEnvironmentVariable(DrydockVariables.Runtime), runtime, StringComparison.OrdinalIgnoreCase);
}
