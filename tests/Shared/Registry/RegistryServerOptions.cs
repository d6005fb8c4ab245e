namespace Drydock.Tests.Registry;

/// <summary>How a private <see cref="RegistryServer"/> is set up.</summary>
internal sealed record RegistryServerOptions
{
    /// <summary>Serve HTTPS with a certificate from a CA made for this server alone.</summary>
    public bool Tls { get; init; }

    /// <summary>Users for distribution's htpasswd auth; empty leaves the registry anonymous.</summary>
    public IReadOnlyList<(string User, string Password)> Users { get; init; } = [];

    /// <summary>How long the registry may take to answer <c>GET /v2/</c> after it was started.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(20);
}
