using Drydock.Build.Diagnostics;
using Drydock.Build.Oci;
using Drydock.Build.Policy;
using Drydock.Runtime;

namespace Drydock.Build.Runtime;

/// <summary>
/// The publish's use of the shared <see cref="ContainerEngine"/>: which engine (the SDK's rule), and
/// loading the archive under every name. Engine failures become DRY3003/DRY3004.
/// </summary>
internal static class LocalEngine
{
    private const string BaseNameAnnotation = "org.opencontainers.image.base.name";

    /// <summary>
    /// The engine to use. <paramref name="localRegistry"/> is the SDK's <c>LocalRegistry</c> (<c>Docker</c>
    /// or <c>Podman</c>): when set it wins, and is not asked here whether it answers: <see cref="Load(ContainerEngine, Func{string}, string, IReadOnlyList{string}, IBuildLog, CancellationToken)"/>
    /// asks when a command fails (DRY3004), which saves a process on every publish. When empty, docker then
    /// podman, whichever answers first, as the SDK detects; null when neither does. The engine's connection variables
    /// (<c>DOCKER_HOST</c>, …) come from <paramref name="environment"/>, null for this process's environment.
    /// </summary>
    /// <exception cref="DrydockException">DRY3004: <paramref name="localRegistry"/> names no engine Drydock knows.</exception>
    public static ContainerEngine? Resolve(string? localRegistry, IBuildLog log, CancellationToken cancellationToken, Func<string, string?>? environment = null)
    {
        if (!string.IsNullOrEmpty(localRegistry))
        {
            if (!ContainerEngine.IsKnown(localRegistry))
            {
                throw new DrydockException(KnownCodes.NoRuntime,
                    $"LocalRegistry is {MessageText.Quote(localRegistry)}; set it to 'Docker' or 'Podman', or leave it empty to detect one.");
            }

            var named = ContainerEngine.Named(localRegistry, null, environment);
            log.Detail($"Drydock: runtime={named} (from LocalRegistry; endpoint {named.Endpoint})");
            return named;
        }

        var detected = ContainerEngine.DetectAsync(null, cancellationToken, environment).GetAwaiter().GetResult();
        log.Detail(detected is null ? "Drydock: runtime=none (neither docker nor podman answers)" : $"Drydock: runtime={detected} (detected; endpoint {detected.Endpoint})");
        return detected;
    }

    /// <summary>
    /// Loads the archive and names it with every <paramref name="names"/> (<c>repository:tag</c>). Skips
    /// the load when the engine already has <paramref name="imageId"/> (the config digest), and then only
    /// names it (another platform's archive, loaded first, carries the same names). The layers its images
    /// under these names already hold (the base image's, an unchanged dependencies layer) are left out of
    /// what it reads (<see cref="Held"/>): podman unpacks an OCI archive whole before it looks at a layer, and
    /// a remote docker gets the archive over the network. Should the engine refuse that, or not hold the
    /// image after it, the whole archive is loaded.
    /// </summary>
    /// <returns>True when the image was loaded, false when it was already there.</returns>
    /// <exception cref="DrydockException">DRY3003: the engine refused the archive or a tag. DRY3004: the engine does not answer at all.</exception>
    public static bool Load(ContainerEngine engine, string archive, string imageId, IReadOnlyList<string> names, IBuildLog log, CancellationToken cancellationToken) =>
        Load(engine, () => archive, imageId, names, log, cancellationToken);

    /// <summary>
    /// As above, with the archive made only when a load is needed (a platform cut from an index archive).
    /// <paramref name="lastLoad"/> is what this project loaded into the engine last (<see cref="LoadedImage"/>):
    /// when that was another image, this one is new to the engine and is loaded without asking it first,
    /// leaving out the layers the last one had (should it no longer hold them, the whole archive is loaded).
    /// </summary>
    /// <param name="tag">False: the image is loaded by id only (from a copy of the archive without its names), so
    /// the engine's names keep pointing at what they named before until <see cref="Tag"/> moves them, once the
    /// image passed its tests: <c>docker run app:main</c> never runs bytes that failed.</param>
    /// <param name="baseRegistry"><c>DrydockBaseRegistry</c>: the engine may hold the base under the mirror's name (<see cref="BaseImageMirror"/>).</param>
    public static bool Load(ContainerEngine engine, Func<string> prepareArchive, string imageId, IReadOnlyList<string> names, IBuildLog log, CancellationToken cancellationToken, LoadedImage? lastLoad = null, bool tag = true, string? baseRegistry = null)
    {
        var archive = "the image archive";
        try
        {
            if (lastLoad is not null && lastLoad.Engine == engine.ToString() && lastLoad.ImageId != imageId && names.Count > 0)
            {
                archive = prepareArchive();
                LoadArchive(engine, archive, imageId, [lastLoad.DiffIds], !tag, baseRegistry, log, cancellationToken);
                TagIf(tag, engine, imageId, names, cancellationToken);
                log.Detail($"Drydock: loaded {imageId} into {engine}{As(tag, names)} (new since the last publish's {lastLoad.ImageId})");
                return true;
            }

            // One inspect asks for every name and the id: each found prints a line, the unknown ones none.
            var known = engine.ImagesAsync([.. names, imageId], cancellationToken).GetAwaiter().GetResult();
            if (names.Count > 0 && known.Count == names.Count + 1 && known.All(image => image.Id == imageId))
            {
                log.Detail($"Drydock: {engine} already has {string.Join(", ", names)} = {imageId}; not loading again");
                return false;
            }

            var present = known.Any(image => image.Id == imageId);
            if (!present)
            {
                archive = prepareArchive();
                LoadArchive(engine, archive, imageId, [.. known.Select(image => image.Layers)], !tag, baseRegistry, log, cancellationToken);
            }

            TagIf(tag, engine, imageId, names, cancellationToken);
            if (present)
            {
                log.Detail($"Drydock: {engine} already has {imageId}{(tag ? $"; named it {string.Join(", ", names)}" : "")} without loading");
                return false;
            }
        }
        catch (ContainerEngineException e)
        {
            if (ContainerEngine.AnsweringAsync(engine.Command, null, cancellationToken).GetAwaiter().GetResult() is null)
            {
                throw new DrydockException(KnownCodes.NoRuntime,
                    $"'{engine.Command} version' reaches no running engine{(engine.Endpoint.IsRemote ? $" at {engine.Endpoint}" : "")} (for docker: check DOCKER_HOST and 'docker context ls'); start it, or set DrydockLoadImage=false.");
            }

            throw new DrydockException(KnownCodes.RuntimeLoadFailed,
                $"Loading {archive} into {engine} failed: {e.Message}. Check that {engine} works ('{engine} info'), or set DrydockLoadImage=false.");
        }

        log.Detail($"Drydock: loaded {imageId} into {engine}{As(tag, names)}");
        return true;
    }

    /// <summary>
    /// Names the loaded image <paramref name="imageId"/> with every <paramref name="names"/>: what <see cref="Load"/>
    /// left undone with <c>tag: false</c>, once the image passed its gate.
    /// </summary>
    /// <exception cref="DrydockException">DRY3003: the engine refused a name.</exception>
    public static void Tag(ContainerEngine engine, string imageId, IReadOnlyList<string> names, IBuildLog log, CancellationToken cancellationToken)
    {
        try
        {
            engine.TagAsync(imageId, names, cancellationToken).GetAwaiter().GetResult();
        }
        catch (ContainerEngineException e)
        {
            throw new DrydockException(KnownCodes.RuntimeLoadFailed,
                $"Naming {imageId} {string.Join(", ", names)} in {engine} failed: {e.Message}. Check that {engine} works ('{engine} info'), or set DrydockLoadImage=false.");
        }

        log.Detail($"Drydock: named {imageId} {string.Join(", ", names)} in {engine}");
    }

    private static void TagIf(bool tag, ContainerEngine engine, string imageId, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        if (tag)
        {
            engine.TagAsync(imageId, names, cancellationToken).GetAwaiter().GetResult();
        }
    }

    private static string As(bool tag, IReadOnlyList<string> names) => tag ? $" as {string.Join(", ", names)}" : " by id (named once its tests pass)";

    /// <summary>
    /// Loads the archive without the layers the engine holds (<see cref="Held"/>) when there are any, else whole;
    /// <paramref name="nameless"/>: from a copy without the image's names, so the engine names nothing.
    /// </summary>
    private static void LoadArchive(ContainerEngine engine, string archive, string imageId, IReadOnlyList<IReadOnlyList<string>> heldImages, bool nameless, string? baseRegistry, IBuildLog log, CancellationToken cancellationToken)
    {
        if (LoadWithout(engine, archive, imageId, heldImages, nameless, baseRegistry, log, cancellationToken))
        {
            return;
        }

        if (!nameless)
        {
            engine.LoadAsync(archive, cancellationToken).GetAwaiter().GetResult();
            return;
        }

        var copy = archive + ".load.tar";
        try
        {
            ImageLayoutWriter.CopyWithout(archive, copy, [], nameless: true);
            engine.LoadAsync(copy, cancellationToken).GetAwaiter().GetResult();
        }
        finally
        {
            File.Delete(copy);
        }
    }

    /// <summary>
    /// Which of the image's layers (by index) the engine already holds, from the layer lists (diff_ids, base first) of
    /// images it has. Docker's load of a docker-archive (moby <c>image/tarexport/load.go</c>) looks each layer up by
    /// its chain id, the digest of the diff_ids up to it, and opens the layer's file only when that chain is missing:
    /// a layer may be left out only when some held image starts with the same diff_ids up to and including it.
    /// Podman stores layers by their own diff_id: one held anywhere may be left out.
    /// </summary>
    internal static IReadOnlyList<int> Held(string command, IReadOnlyList<string> diffIds, IReadOnlyList<IReadOnlyList<string>> heldImages)
    {
        if (command == "podman")
        {
            var stored = heldImages.SelectMany(layers => layers).ToHashSet(StringComparer.Ordinal);
            return [.. Enumerable.Range(0, diffIds.Count).Where(i => stored.Contains(diffIds[i]))];
        }

        // The longest prefix any held image shares: every layer of it has its chain on the engine.
        var shared = heldImages.Select(layers => layers.Zip(diffIds).TakeWhile(pair => pair.First == pair.Second).Count()).DefaultIfEmpty(0).Max();
        return [.. Enumerable.Range(0, shared)];
    }

    /// <summary>
    /// Loads the archive without the layers the engine holds (<see cref="Held"/>: of <paramref name="heldImages"/> and of the
    /// base image the manifest names, when the engine has it), and checks that the engine then has
    /// <paramref name="imageId"/>; false when it holds none, or the engine refused (a held image removed meanwhile:
    /// docker fails to open the missing file), or the image is not there: then the whole archive is loaded.
    /// </summary>
    private static bool LoadWithout(ContainerEngine engine, string archive, string imageId, IReadOnlyList<IReadOnlyList<string>> heldImages, bool nameless, string? baseRegistry, IBuildLog log, CancellationToken cancellationToken)
    {
        OciArchive image;
        try
        {
            image = OciArchive.Open(archive);
        }
        catch (DrydockException)
        {
            return false; // Not an image Drydock reads: the engine's own load says what is wrong.
        }

        // The base image too, when the engine has it by the name the manifest records, or as pulled through the
        // mirror (a developer's engine that pulled it).
        if (image.Manifest["annotations"]?[BaseNameAnnotation] is System.Text.Json.Nodes.JsonValue value && value.TryGetValue<string>(out var baseName) && baseName.Length > 0)
        {
            string[] baseNames = [.. new[] { baseName, BaseImageMirror.Pulled(baseName, baseRegistry) }.Distinct(StringComparer.Ordinal)];
            heldImages = [.. heldImages, .. engine.ImagesAsync(baseNames, cancellationToken).GetAwaiter().GetResult().Select(held => held.Layers)];
        }

        var held = Held(engine.Command, [.. image.DiffIds.Select(diffId => diffId.ToString())], heldImages);
        if (held.Count == 0)
        {
            return false;
        }

        var leftOut = held.Select(i => image.Layers[i].Digest).ToList();
        var thin = archive + ".load.tar";
        try
        {
            ImageLayoutWriter.CopyWithout(archive, thin, leftOut, nameless);
            engine.LoadAsync(thin, cancellationToken).GetAwaiter().GetResult();
            // The engine names an image by its config's digest: the id proves the layers it used are the tested ones.
            if (!engine.ImagesAsync([imageId], cancellationToken).GetAwaiter().GetResult().Any(loaded => loaded.Id == imageId))
            {
                log.Detail($"Drydock: {engine} loaded the archive without the layers it holds, but has no {imageId} after it; loading the whole archive");
                return false;
            }

            var skipped = held.Sum(i => image.Layers[i].Size);
            log.Note($"Drydock: {engine}: {held.Count} of {image.Layers.Count} layers already there ({ByteSize.Format(skipped)} not sent), {ByteSize.Format(new FileInfo(thin).Length)} sent");
            return true;
        }
        catch (ContainerEngineException e)
        {
            log.Detail($"Drydock: {engine} did not load the image without the layers it holds ({e.Message}); loading the whole archive");
            return false;
        }
        finally
        {
            File.Delete(thin);
        }
    }
}
