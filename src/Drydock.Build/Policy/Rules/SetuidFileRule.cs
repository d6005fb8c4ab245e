using Drydock.Build.Diagnostics;

namespace Drydock.Build.Policy.Rules;

/// <summary>A setuid/setgid program runs with its owner's rights (root, in layers the SDK writes): an app never needs one.</summary>
internal sealed class SetuidFileRule : ILintRule
{
    public IEnumerable<Finding> Check(LintSubject image) =>
        image.Files.AppLayerFiles
            .Where(file => file.IsRegularFile && (file.Mode & (UnixFileMode.SetUser | UnixFileMode.SetGroup)) != 0)
            .Select(file => LintRules.Finding(
                KnownCodes.SetuidFile,
                $"'{file.Path}' has the {BitNames(file.Mode)} bit (mode {Octal(file.Mode)}); clear it (chmod u-s,g-s) before publishing.",
                file.Where));

    internal static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');

    private static string BitNames(UnixFileMode mode) =>
        (mode & UnixFileMode.SetUser) != 0 && (mode & UnixFileMode.SetGroup) != 0 ? "setuid and setgid"
        : (mode & UnixFileMode.SetUser) != 0 ? "setuid" : "setgid";
}
