using Drydock.Build.Diagnostics;

namespace Drydock.Build.Policy.Rules;

/// <summary>
/// Without InvariantGlobalization, .NET loads ICU (libicuuc.so.*) at start and exits when it finds none
/// ("Couldn't find a valid ICU package"): a crash in production, not a style issue. The project's
/// setting, when it has one, is a runtimeconfig switch that wins over the image's environment variable
/// (Microsoft's non-ICU images set it), so the variable counts only when the project is silent.
/// </summary>
internal sealed class IcuRule : ILintRule
{
    /// <summary>The run-time switch with the same effect as the InvariantGlobalization property.</summary>
    private const string InvariantVariable = "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT";

    public IEnumerable<Finding> Check(LintSubject image)
    {
        var imageInvariant = image.EnvValue(InvariantVariable)?.Trim().ToUpperInvariant() is "1" or "TRUE";
        if ((image.Context.InvariantGlobalization ?? imageInvariant) || image.Files.Files.Values.Any(IsIcuLibrary))
        {
            yield break;
        }

        var why = imageInvariant
            ? $"the project sets InvariantGlobalization=false, which .NET reads before the image's {InvariantVariable}=true"
            : "InvariantGlobalization is not true";
        yield return LintRules.Finding(
            KnownCodes.NoIcu,
            $"The app needs ICU ({why}) but the image has no libicu*, so it will crash at start; use a base image with ICU (e.g. a chiseled '-extra' image), or set InvariantGlobalization=true if the app needs no culture data.",
            "image");
    }

    private static bool IsIcuLibrary(ImageFile file) =>
        file.Name.StartsWith("libicu", StringComparison.Ordinal) && file.Name.Contains(".so", StringComparison.Ordinal);
}
