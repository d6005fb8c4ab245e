using Drydock.Build.Diagnostics;

namespace Drydock.Build.Policy.Rules;

/// <summary>Debug builds are slow and carry debugging aids; the Development environment turns on the developer exception page and dev settings.</summary>
internal sealed class DevelopmentBuildRule : ILintRule
{
    private static readonly string[] EnvironmentVariables = ["ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT"];

    public IEnumerable<Finding> Check(LintSubject image)
    {
        if (string.Equals(image.Context.Configuration, "Debug", StringComparison.OrdinalIgnoreCase))
        {
            yield return LintRules.Finding(
                KnownCodes.DevelopmentBuild,
                "The image was published in the Debug configuration; publish with -c Release (the default of dotnet publish since .NET 8, unless the project or command line sets Debug).",
                "Configuration");
        }

        foreach (var variable in EnvironmentVariables)
        {
            // ASP.NET Core's IsDevelopment() compares the name case-insensitively.
            if (string.Equals(image.EnvValue(variable)?.Trim(), "Development", StringComparison.OrdinalIgnoreCase))
            {
                yield return LintRules.Finding(
                    KnownCodes.DevelopmentBuild,
                    $"The image sets {variable}=Development, which turns on the developer exception page and development settings; remove it from ContainerEnvironmentVariable and set the environment at deployment.",
                    $"env {variable}");
            }
        }
    }
}
