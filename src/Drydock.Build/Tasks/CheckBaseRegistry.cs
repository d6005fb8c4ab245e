using Drydock.Build.Diagnostics;
using Drydock.Build.Oci;
using Microsoft.Build.Framework;

namespace Drydock.Build.Tasks;

/// <summary>DRY2036 when the base image's registry does not resolve here (<see cref="BaseRegistryCheck"/>), before the SDK pulls from it.</summary>
public sealed class CheckBaseRegistry : DrydockTask
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    /// <summary>The SDK's <c>ContainerBaseRegistry</c>: <c>host[:port]</c>.</summary>
    [Required]
    public string Registry { get; set; } = "";

    /// <summary><c>ContainerBaseImage</c>, for the message.</summary>
    public string? BaseImage { get; set; }

    protected override void Execute(IBuildLog log, CancellationToken cancellationToken)
    {
        if (BaseRegistryCheck.Problem(Registry, Environment.GetEnvironmentVariable, Bound) is { } problem)
        {
            throw new DrydockException(KnownCodes.BaseRegistryUnresolved,
                $"The base image {MessageText.Quote(BaseImage ?? Registry)} is pulled from {MessageText.Quote(Registry)}, which this machine cannot resolve ({problem}). " +
                "Offline or on a private network, set DrydockBaseRegistry to a registry that mirrors Microsoft's images (-p:DrydockBaseRegistry=localhost:5000), or ContainerBaseImage to a base this machine reaches.");
        }
    }
}
