using System.Text.RegularExpressions;
using Drydock.Build.Diagnostics;

namespace Drydock.Build.Tagging;

/// <summary>
/// Repository names per the OCI distribution spec ("Pulling manifests"): lowercase path components
/// of <c>[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*</c> separated by <c>/</c>; with the registry host, at most
/// 255 characters. https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pulling-manifests
/// </summary>
public static partial class RepositoryName
{
    public const int MaxLengthWithRegistry = 255;

    public static bool IsValid(string? repository, string? registry = null) =>
        repository is not null && Grammar().IsMatch(repository) && FullLength(repository, registry) <= MaxLengthWithRegistry;

    /// <summary>Throws <see cref="KnownCodes.InvalidRepository"/> unless <paramref name="repository"/> is valid.</summary>
    public static void Validate(string? repository, string? registry = null)
    {
        if (IsValid(repository, registry))
        {
            return;
        }

        var value = repository ?? "";
        if (Grammar().IsMatch(value))
        {
            throw new DrydockException(
                KnownCodes.InvalidRepository,
                $"ContainerRepository {MessageText.Quote(value)} with ContainerRegistry {MessageText.Quote(registry)} is {FullLength(value, registry)} characters; the full name may have at most {MaxLengthWithRegistry}. Shorten ContainerRepository.");
        }

        var lower = value.ToLowerInvariant();
        var hint = lower != value && IsValid(lower, registry) ? $" Use '{lower}'." : " Set ContainerRepository to a name such as 'shop/api'.";
        throw new DrydockException(
            KnownCodes.InvalidRepository,
            $"ContainerRepository {MessageText.Quote(value)} is not a valid repository name: it must be lowercase letters and digits, separated by '.', '_', '__' or '-' within a path component and by '/' between components.{hint}");
    }

    private static int FullLength(string repository, string? registry) =>
        string.IsNullOrEmpty(registry) ? repository.Length : registry.Length + 1 + repository.Length;

    [GeneratedRegex(@"^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex Grammar();
}
