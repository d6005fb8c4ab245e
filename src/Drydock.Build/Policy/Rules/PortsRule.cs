using System.Globalization;
using Drydock.Build.Diagnostics;

namespace Drydock.Build.Policy.Rules;

/// <summary>
/// Every exposed port is surface to defend; and a port below 1024 needs root (or CAP_NET_BIND_SERVICE, or
/// a lowered <c>net.ipv4.ip_unprivileged_port_start</c>, which Kubernetes does not set by default) to bind.
/// </summary>
internal sealed class PortsRule : ILintRule
{
    private const int FirstUnprivilegedPort = 1024;

    public IEnumerable<Finding> Check(LintSubject image)
    {
        var ports = image.ExposedPorts;
        if (ports.Count > image.Context.MaxExposedPorts)
        {
            yield return LintRules.Finding(
                KnownCodes.TooManyPorts,
                $"The image exposes {ports.Count} ports ({string.Join(", ", ports)}), more than DrydockMaxExposedPorts={image.Context.MaxExposedPorts}; remove the ContainerPort items the app does not serve, or raise DrydockMaxExposedPorts.",
                "config.ExposedPorts");
        }

        if (UserIdentity.RootReason(image) is not null)
        {
            yield break; // Root can bind them; DRY4001 already says root is the problem.
        }

        foreach (var port in ports)
        {
            var number = port.Split('/')[0];
            if (int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value < FirstUnprivilegedPort)
            {
                yield return LintRules.Finding(
                    KnownCodes.PrivilegedPort,
                    $"The image exposes privileged port {port} but runs as non-root user '{image.User}', which cannot bind it; listen on a port of 1024 or more (e.g. ASPNETCORE_HTTP_PORTS=8080 and ContainerPort 8080) and map the public port outside.",
                    $"config.ExposedPorts {port}");
            }
        }
    }
}
