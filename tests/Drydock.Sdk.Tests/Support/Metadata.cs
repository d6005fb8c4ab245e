using System.Text.Json.Nodes;
using Drydock.Processes;

namespace Drydock.Sdk.Tests.Support;

/// <summary>
/// What `dotnet msbuild -t:DrydockComputeMetadata -getProperty:… -getItem:ContainerLabel` prints: the
/// documented way to see tags and labels without building.
/// </summary>
internal sealed record Metadata(ProcessResult Result, JsonNode? Json)
{
    public bool Succeeded => Result.Succeeded;

    public string Output => Result.StandardOutput + Result.StandardError;

    public string[] Tags => ((string?)Json?["Properties"]?["ContainerImageTags"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries);

    public string? Property(string name) => (string?)Json?["Properties"]?[name];

    public string? Label(string key) =>
        Json?["Items"]?["ContainerLabel"]?.AsArray().LastOrDefault(item => (string?)item!["Identity"] == key)?["Value"]?.GetValue<string>();

    public static Metadata Of(TestProject project, params string[] arguments)
    {
        var result = project.DotNet(
        [
            "msbuild", "-restore", "-nologo", "-t:DrydockComputeMetadata", "-p:Configuration=Release",
            $"-p:DrydockBaseRegistry={Paths.Registry}",
            "-getProperty:ContainerImageTags", "-getProperty:ContainerRepository", "-getProperty:DrydockRevision",
            "-getProperty:DrydockVersion", "-getProperty:DrydockCreated", "-getItem:ContainerLabel", .. arguments,
        ]);
        var json = result.Succeeded && result.StandardOutput.TrimStart().StartsWith('{') ? JsonNode.Parse(result.StandardOutput) : null;
        return new Metadata(result, json);
    }
}
