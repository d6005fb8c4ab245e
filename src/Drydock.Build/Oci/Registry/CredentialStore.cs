using Drydock.Build.Diagnostics;

namespace Drydock.Build.Oci.Registry;

/// <summary>
/// Finds the login for a registry where a user or a CI job has already put it, explicit before inferred, first hit
/// wins: environment variables (for any registry), then podman's <c>auth.json</c>, then docker's <c>config.json</c>
/// with its credential helpers. Nothing found means anonymous. Reads only what the caller passes in, so tests and
/// tasks decide what the environment and home folder are.
/// </summary>
public sealed class CredentialStore
{
    // Drydock's own pair first, then the ones the .NET SDK's container publishing reads, so a pipeline set up for
    // `dotnet publish /t:PublishContainer` works unchanged.
    private static readonly (string User, string Password)[] VariablePairs =
    [
        ("DRYDOCK_REGISTRY_USER", "DRYDOCK_REGISTRY_PASSWORD"),
        ("DOTNET_CONTAINER_REGISTRY_UNAME", "DOTNET_CONTAINER_REGISTRY_PWORD"),
        ("SDK_CONTAINER_REGISTRY_UNAME", "SDK_CONTAINER_REGISTRY_PWORD"),
    ];

    private readonly IReadOnlyDictionary<string, string?> environment;
    private readonly string homeDirectory;

    /// <param name="environment">The variables to read; credential helpers also run with them, and are found on their PATH.</param>
    /// <param name="homeDirectory">Where <c>~</c> is.</param>
    public CredentialStore(IReadOnlyDictionary<string, string?> environment, string homeDirectory)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentException.ThrowIfNullOrEmpty(homeDirectory);
        this.environment = environment;
        this.homeDirectory = homeDirectory;
    }

    /// <summary>The login for <paramref name="registry"/>, or null when nothing is configured for it (anonymous).</summary>
    /// <param name="registry"><c>host[:port]</c> as in <c>ContainerRegistry</c>: <c>localhost:5000</c>, <c>ghcr.io</c>, <c>docker.io</c>.</param>
    /// <exception cref="DrydockException">
    /// <see cref="KnownCodes.CredentialConfigInvalid"/> for half a variable pair or a broken file,
    /// <see cref="KnownCodes.CredentialHelperFailed"/> for a credential helper that is missing or fails.
    /// </exception>
    public RegistryCredential? Find(string registry, CancellationToken cancellationToken) => Find(registry, repository: null, cancellationToken);

    /// <summary>
    /// The login for <paramref name="repository"/> in <paramref name="registry"/>: in each file the most specific
    /// <c>auths</c> key wins (<c>ghcr.io/acme</c> before <c>ghcr.io</c> for <c>acme/app</c>), as podman and skopeo read them.
    /// </summary>
    /// <param name="repository">As the registry's API names it (<c>library/x</c> on Docker Hub); null for registry-wide keys only.</param>
    public RegistryCredential? Find(string registry, string? repository, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(registry);
        var key = RegistryKey.Normalize(registry) ?? throw new ArgumentException($"'{registry}' names no registry.", nameof(registry));
        return FromVariables() ?? FromPodman(key, repository) ?? FromDocker(key, repository, cancellationToken);
    }

    private RegistryCredential? FromVariables()
    {
        foreach (var (userVariable, passwordVariable) in VariablePairs)
        {
            var user = Variable(userVariable);
            var password = Variable(passwordVariable);
            if (user is not null && password is not null)
            {
                return new RegistryCredential(user, password, userVariable);
            }

            if (user is not null || password is not null)
            {
                var (set, missing) = user is null ? (passwordVariable, userVariable) : (userVariable, passwordVariable);
                throw new DrydockException(
                    KnownCodes.CredentialConfigInvalid,
                    $"{set} is set but {missing} is not. Set both to log in to the registry, or neither to use podman's or docker's login.");
            }
        }

        return null;
    }

    /// <summary>
    /// containers-auth.json(5): <c>$REGISTRY_AUTH_FILE</c> alone when set, else the login podman keeps for this session
    /// (<c>$XDG_RUNTIME_DIR/containers/auth.json</c>) and then the lasting one (<c>$XDG_CONFIG_HOME/containers/auth.json</c>,
    /// <c>~/.config</c> by default). Only <c>auths</c> is read; podman's own <c>credHelpers</c> are not.
    /// Keys may name a namespace or repository (<c>ghcr.io/acme</c>); the most specific one that fits wins.
    /// </summary>
    private RegistryCredential? FromPodman(string registry, string? repository)
    {
        string?[] files = Variable("REGISTRY_AUTH_FILE") is { } authFile
            ? [authFile]
            :
            [
                Variable("XDG_RUNTIME_DIR") is { } runtime ? Path.Combine(runtime, "containers", "auth.json") : null,
                Path.Combine(Variable("XDG_CONFIG_HOME") ?? Path.Combine(homeDirectory, ".config"), "containers", "auth.json"),
            ];
        return files.OfType<string>()
            .Select(file => CredentialFile.ReadPodmanAuth(file)?.FindLogin(registry, repository))
            .FirstOrDefault(credential => credential is not null);
    }

    /// <summary>
    /// docker-config-json(5): the registry's <c>credHelpers</c> helper, else the <c>credsStore</c> helper; when the helper
    /// has nothing for the registry (or there is none), the login written under <c>auths</c>.
    /// </summary>
    private RegistryCredential? FromDocker(string registry, string? repository, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Variable("DOCKER_CONFIG") ?? Path.Combine(homeDirectory, ".docker"), "config.json");
        var file = CredentialFile.ReadDockerConfig(path);
        if (file is null)
        {
            return null;
        }

        if (file.FindHelper(registry) is { } helper)
        {
            var credential = CredentialHelper.Get(helper.Name, RegistryKey.HelperServerUrl(registry), $"{path} ({helper.Setting})", environment, cancellationToken);
            if (credential is not null)
            {
                return credential;
            }
        }

        return file.FindLogin(registry, repository);
    }

    /// <summary>A variable's value; an empty one counts as unset, as CI systems set missing secrets to "".</summary>
    private string? Variable(string name) =>
        environment.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value) ? value : null;
}
