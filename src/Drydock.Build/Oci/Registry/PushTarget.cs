using Drydock.Build.Tagging;

namespace Drydock.Build.Oci.Registry;

/// <summary>One registry and repository a publish pushes to.</summary>
/// <param name="Registry">The registry's normalized name (<c>docker.io</c> for any Docker Hub alias).</param>
/// <param name="Repository">The repository as <c>ContainerRepository</c> gives it; the API name may add <c>library/</c> (<see cref="RegistryEndpoint.Repository"/>).</param>
public sealed record PushTarget(string Registry, string Repository)
{
    /// <summary>
    /// <c>ContainerRegistry</c> first, then each <c>DrydockPushRegistry</c> item (<c>Include</c> = <c>host[:port]</c>,
    /// optional <c>Repository</c> metadata, else <c>ContainerRepository</c>), each validated (DRY2009, DRY2001), without
    /// repeats: <c>docker.io/x</c> and <c>index.docker.io/library/x</c> are one target.
    /// </summary>
    public static IReadOnlyList<PushTarget> List(string registry, string repository, IEnumerable<(string Registry, string? Repository)> more)
    {
        ArgumentNullException.ThrowIfNull(more);
        var targets = new List<PushTarget>();
        var seen = new HashSet<(string, string)>();
        foreach (var (host, name, property) in more.Select(item => (item.Registry, string.IsNullOrWhiteSpace(item.Repository) ? repository : item.Repository.Trim(), "DrydockPushRegistry"))
            .Prepend((registry, repository, "ContainerRegistry")))
        {
            var endpoint = RegistryEndpoint.Parse(host, property);
            RepositoryName.Validate(name, endpoint.Name);
            if (seen.Add((endpoint.Name, endpoint.Repository(name))))
            {
                targets.Add(new PushTarget(endpoint.Name, name));
            }
        }

        return targets;
    }
}
