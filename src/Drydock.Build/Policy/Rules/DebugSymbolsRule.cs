using Drydock.Build.Diagnostics;

namespace Drydock.Build.Policy.Rules;

/// <summary>
/// Debug symbols are for a debugger, not for production: a Native AOT app ships <c>app.dbg</c>, often
/// larger than the app itself (27 MB seen beside a smaller binary), and big PDBs add pull time to every
/// node. Small portable PDBs (a few kB, for line numbers in stack traces) stay below the threshold.
/// Only the layers the build added count: base layers are someone else's. Advice, a note, unless the project asks for a
/// warning (<c>DrydockWarnOnDebugSymbols</c>): Native AOT copies its symbols to the publish folder by default.
/// </summary>
internal sealed class DebugSymbolsRule : ILintRule
{
    private static readonly string[] Extensions = [".dbg", ".pdb", ".debug"];

    public IEnumerable<Finding> Check(LintSubject image) =>
        image.Files.AppLayerFiles
            .Where(file => file.IsRegularFile
                && file.Size > image.Context.MaxDebugSymbolsSize
                && Extensions.Any(extension => file.Name.EndsWith(extension, StringComparison.OrdinalIgnoreCase)))
            .Select(file => LintRules.Finding(
                KnownCodes.LargeDebugSymbols,
                image.Context.WarnOnDebugSymbols ? Severity.Warning : Severity.Note,
                $"The app layer holds debug symbols '{file.Path}' ({ByteSize.Format(file.Size)}, over {ByteSize.Format(image.Context.MaxDebugSymbolsSize)}); keep them out of the image (<CopyOutputSymbolsToPublishDirectory>false</CopyOutputSymbolsToPublishDirectory>) and archive them beside the build for debugging. A file an earlier publish left in the publish folder stays there and in the image until it is deleted (dotnet publish removes only files it listed itself).{(image.Context.WarnOnDebugSymbols ? "" : " (DrydockWarnOnDebugSymbols=true makes this a warning)")}",
                file.Where));
}
