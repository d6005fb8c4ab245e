using Drydock.Build.Attestation;
using Drydock.Build.Diagnostics;
using Drydock.Build.Oci.Registry;
using Microsoft.Build.Framework;

namespace Drydock.Build.Tasks;

/// <summary>
/// <c>dotnet msbuild -t:DrydockVerifyImage -p:DrydockVerifyImage=registry/repo@sha256:… -p:DrydockVerifyKey=pub.pem</c>:
/// the deploy gate of <see cref="ImageVerifier"/> (DRY6040–DRY6044).
/// </summary>
public sealed class VerifyImage : DrydockTask
{
    /// <summary><c>registry/repository@sha256:&lt;hex&gt;</c>.</summary>
    public string? Image { get; set; }

    /// <summary>The public key's PEM file.</summary>
    public string? Key { get; set; }

    /// <summary><c>DrydockVerifyRepository</c>: a provenance must name this source repository URL.</summary>
    public string? Repository { get; set; }

    protected override void Execute(IBuildLog log, CancellationToken cancellationToken)
    {
        string pem;
        try
        {
            pem = File.ReadAllText(Key ?? "");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new DrydockException(KnownCodes.VerifyInputInvalid, $"DrydockVerifyKey '{Key}' could not be read ({e.GetType().Name}). Set it to the PEM file of the signing key's public half.");
        }

        var environment = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(entry => (string)entry.Key, entry => (string?)entry.Value, StringComparer.Ordinal);
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var verifier = new ImageVerifier(RegistryOptions.FromEnvironment(environment, home), new CredentialStore(environment, home), log);
        var verified = verifier.VerifyAsync(Image ?? "", pem, Repository, cancellationToken).GetAwaiter().GetResult();
        Log.LogMessage(MessageImportance.High, "Drydock: {0} verified: {1} signed attestation(s) ({2}); {3} test result(s) PASSED", verified.Reference, verified.PredicateTypes.Count, string.Join(", ", verified.PredicateTypes.Distinct()), verified.PassedTestResults);
    }
}
