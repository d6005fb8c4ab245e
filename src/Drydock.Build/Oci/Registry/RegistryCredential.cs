namespace Drydock.Build.Oci.Registry;

/// <summary>
/// A user name and secret for one registry. <see cref="Username"/> <c>&lt;token&gt;</c> marks an identity
/// (refresh) token, as docker's credential helpers return it. <see cref="Source"/> says where it came
/// from, for messages; the secret never appears in any string this type makes.
/// </summary>
public sealed class RegistryCredential(string username, string secret, string source)
{
    public const string IdentityTokenUser = "<token>";

    public string Username { get; } = username;

    public string Secret { get; } = secret;

    /// <summary>For example <c>DRYDOCK_REGISTRY_USER</c> or <c>~/.docker/config.json (credHelpers: pass)</c>.</summary>
    public string Source { get; } = source;

    public bool IsIdentityToken => Username == IdentityTokenUser;

    public override string ToString() => $"{Username} (from {Source})";
}
