using Drydock.Build.Diagnostics;

namespace Drydock.Build.Policy.Rules;

/// <summary>A process running as root turns any code execution bug into root in the container, and a step closer to the host.</summary>
internal sealed class RootUserRule : ILintRule
{
    public IEnumerable<Finding> Check(LintSubject image)
    {
        if (UserIdentity.RootReason(image) is { } why)
        {
            yield return LintRules.Finding(
                KnownCodes.RunsAsRoot,
                $"The image runs as root: {why}. Set ContainerUser to a non-root user (e.g. 'app', uid 1654 in Microsoft's .NET base images) or use a base image that sets one.",
                "config.User");
        }
    }
}
