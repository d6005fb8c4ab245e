using Drydock.Build.Diagnostics;
using Microsoft.Build.Framework;

namespace Drydock.Build.Tasks;

/// <summary>
/// The names of the calling build's global properties (<c>-p:</c> values, <c>Configuration</c>, the publish's
/// own <c>_IsPublishing</c>, a <c>RuntimeIdentifier</c> from <c>-r</c>), for an <c>MSBuild</c> call's
/// <c>RemoveProperties</c>: a project built from inside the publish, such as a <c>ContainerTestProject</c>,
/// then builds as <c>dotnet build</c> would build it alone, not as the app is published.
/// </summary>
public sealed class ReadGlobalProperties : DrydockTask
{
    /// <summary>Names left out of <see cref="Names"/> (the caller sets them itself), semicolon-separated.</summary>
    public string[] Keep { get; set; } = [];

    /// <summary>Every global property name of the calling project but <see cref="Keep"/>, sorted.</summary>
    [Output]
    public string[] Names { get; private set; } = [];

    protected override void Execute(IBuildLog log, CancellationToken cancellationToken)
    {
        var global = BuildEngine is IBuildEngine6 engine ? engine.GetGlobalProperties().Keys : [];
        Names = global.Except(Keep, StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToArray();
        log.Detail($"Drydock: global properties not handed to the test projects: {string.Join(", ", Names)}");
    }
}
