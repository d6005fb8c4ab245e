using Drydock.Build.Diagnostics;

namespace Drydock.Build.Policy.Rules;

/// <summary>
/// The budget is on what a node pulls: the compressed layer sizes from the manifest. The message points
/// at what to trim: the largest layers, and the largest files (uncompressed, from the layer tars).
/// </summary>
internal sealed class SizeBudgetRule : ILintRule
{
    private const int LargestLayerCount = 3;

    public IEnumerable<Finding> Check(LintSubject image)
    {
        var total = image.Layers.Sum(layer => layer.Size);
        if (image.Context.SizeBudget is not { } budget || total <= budget)
        {
            yield break;
        }

        var layers = image.Layers
            .Select((layer, i) => (Number: i + 1, layer.Size))
            .OrderByDescending(layer => layer.Size)
            .Take(LargestLayerCount)
            .Select(layer => $"layer {layer.Number} {ByteSize.Format(layer.Size)}");
        var files = image.Files.LargestFiles.Select(file => $"/{file.Path} {ByteSize.Format(file.Size)}");
        yield return LintRules.Finding(
            KnownCodes.OverSizeBudget,
            $"The image is {ByteSize.Format(total)} compressed, over ContainerImageSizeBudget {ByteSize.Format(budget)}; largest layers: {string.Join(", ", layers)}; largest files: {string.Join(", ", files)}. Trim these (a smaller base, trimming, no unused assets) or raise the budget.",
            "image");
    }
}
