using System.Text.Json.Serialization;
using Drydock.Build.Policy;

namespace Drydock.Build.Runtime;

/// <summary>
/// What a project's last publish loaded into its engine (<c>obj/…/drydock/loaded.json</c>): the engine's command,
/// the image id (config digest) and its layers' diff_ids. It spares the next publish of another image the engine
/// round trip that asks what it has (<see cref="LocalEngine.Load(Drydock.Runtime.ContainerEngine, Func{string}, string, IReadOnlyList{string}, Diagnostics.IBuildLog, CancellationToken, LoadedImage?)"/>).
/// </summary>
internal sealed record LoadedImage(string Engine, string ImageId, List<string> DiffIds)
{
    public static LoadedImage? Read(string path) => JsonCacheFile.TryRead(path, LoadedImageJson.Default.LoadedImage);

    public void Write(string path) => JsonCacheFile.Write(path, this, LoadedImageJson.Default.LoadedImage);
}

[JsonSerializable(typeof(LoadedImage))]
internal sealed partial class LoadedImageJson : JsonSerializerContext;
