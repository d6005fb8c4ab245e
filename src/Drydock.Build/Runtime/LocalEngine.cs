using Drydock.Build.Diagnostics;
using Drydock.Runtime;

namespace Drydock.Build.Runtime;

/// <summary>
/// The publish's use of the shared <see cref="ContainerEngine"/>: which engine (the SDK's rule), and
/// loading the archive under every name. Engine failures become DRY3003/DRY3004.
/// </summary>
internal static class LocalEngine
{
    /// <summary>
    /// The engine to use. <paramref name="localRegistry"/> is the SDK's <c>LocalRegistry</c> (<c>Docker</c>
    /// or <c>Podman</c>): when set it wins and must answer (DRY3004 otherwise). When empty, docker then
    /// podman, whichever answers first, as the SDK detects; null when neither does.
    /// </summary>
    public static ContainerEngine? Resolve(string? localRegistry, IBuildLog log, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(localRegistry))
        {
            if (!ContainerEngine.IsKnown(localRegistry))
            {
                throw new DrydockException(KnownCodes.NoRuntime,
                    $"LocalRegistry is {MessageText.Quote(localRegistry)}; set it to 'Docker' or 'Podman', or leave it empty to detect one.");
            }

            var named = ContainerEngine.AnsweringAsync(localRegistry, null, cancellationToken).GetAwaiter().GetResult()
                ?? throw new DrydockException(KnownCodes.NoRuntime,
                    $"LocalRegistry is '{localRegistry}' but '{localRegistry.ToLowerInvariant()} version' reaches no running engine (for docker: check DOCKER_HOST and 'docker context ls'); start it, or set DrydockLoadImage=false.");
            log.Detail($"Drydock: runtime={named.Command} (from LocalRegistry)");
            return named;
        }

        var detected = ContainerEngine.DetectAsync(null, cancellationToken).GetAwaiter().GetResult();
        log.Detail(detected is null ? "Drydock: runtime=none (neither docker nor podman answers)" : $"Drydock: runtime={detected.Command} (detected)");
        return detected;
    }

    /// <summary>
    /// Loads the archive and names it with every <paramref name="names"/> (<c>repository:tag</c>). Skips
    /// the load when every name already points at <paramref name="imageId"/> (the config digest).
    /// </summary>
    /// <returns>True when the image was loaded, false when it was already there.</returns>
    /// <exception cref="DrydockException">DRY3003: the engine refused the archive or a tag.</exception>
    public static bool Load(ContainerEngine engine, string archive, string imageId, IReadOnlyList<string> names, IBuildLog log, CancellationToken cancellationToken) =>
        Load(engine, () => archive, imageId, names, log, cancellationToken);

    /// <summary>As above, with the archive made only when a load is needed (a platform cut from an index archive).</summary>
    public static bool Load(ContainerEngine engine, Func<string> prepareArchive, string imageId, IReadOnlyList<string> names, IBuildLog log, CancellationToken cancellationToken)
    {
        var archive = "the image archive";
        try
        {
            if (names.Count > 0 && engine.ImageIdsAsync(names, cancellationToken).GetAwaiter().GetResult() is { } ids && ids.All(id => id == imageId))
            {
                log.Detail($"Drydock: {engine} already has {string.Join(", ", names)} = {imageId}; not loading again");
                return false;
            }

            archive = prepareArchive();
            engine.LoadAsync(archive, cancellationToken).GetAwaiter().GetResult();
            foreach (var name in names)
            {
                engine.TagAsync(imageId, name, cancellationToken).GetAwaiter().GetResult();
            }
        }
        catch (ContainerEngineException e)
        {
            throw new DrydockException(KnownCodes.RuntimeLoadFailed,
                $"Loading {archive} into {engine} failed: {e.Message}. Check that {engine} works ('{engine} info'), or set DrydockLoadImage=false.");
        }

        log.Detail($"Drydock: loaded {imageId} into {engine} as {string.Join(", ", names)}");
        return true;
    }
}
