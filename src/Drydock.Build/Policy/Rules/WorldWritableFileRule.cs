using System.Formats.Tar;
using Drydock.Build.Diagnostics;

namespace Drydock.Build.Policy.Rules;

/// <summary>
/// A world-writable file in the app directory lets any process in the container, under any uid, change
/// the app's code or settings. Symbolic links are skipped: their mode is always 0777 and means nothing.
/// </summary>
internal sealed class WorldWritableFileRule : ILintRule
{
    /// <summary>The SDK's <c>ContainerWorkingDirectory</c> default, used when the config has no <c>WorkingDir</c>.</summary>
    private const string DefaultAppDirectory = "app";

    public IEnumerable<Finding> Check(LintSubject image)
    {
        var appDirectory = LayerScanner.NormalizePath(string.IsNullOrWhiteSpace(image.WorkingDir) ? DefaultAppDirectory : image.WorkingDir);
        return image.Files.AppLayerFiles
            .Where(file => file.Type is not (TarEntryType.SymbolicLink or TarEntryType.HardLink)
                && (file.Mode & UnixFileMode.OtherWrite) != 0
                && (appDirectory.Length == 0 || file.Path == appDirectory || file.Path.StartsWith(appDirectory + "/", StringComparison.Ordinal)))
            .Select(file => LintRules.Finding(
                KnownCodes.WorldWritableFile,
                $"'{file.Path}' in the app directory is world-writable (mode {SetuidFileRule.Octal(file.Mode)}); remove write for others (chmod o-w) before publishing, and write run-time data to a volume or /tmp.",
                file.Where));
    }
}
