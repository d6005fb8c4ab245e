using System.Diagnostics;

namespace Drydock.Tests.Verifiers;

/// <summary>
/// Other projects' verifiers, run as processes: sigstore-js (<c>@sigstore/verify</c>, installed by eng/setup.sh under
/// <c>$DRYDOCK_VERIFIERS</c>) for Sigstore bundles, Debian's securesystemslib for DSSE signatures. Each returns the
/// verified statement, or throws with the verifier's own error; the CycloneDX project's library
/// (<c>@cyclonedx/cyclonedx-library</c>'s <c>JsonStrictValidator</c>) for SBOMs.
/// </summary>
public static class ThirdPartyVerifiers
{
    private static readonly string Scripts = Path.Combine(AppContext.BaseDirectory, "Verifiers");

    /// <summary>sigstore-js: the bundle verifies offline against <paramref name="publicKeyPem"/> (a file).</summary>
    public static string SigstoreJs(string bundle, string publicKeyPem) =>
        Run("node", [Path.Combine(Scripts, "verify-bundle.cjs"), bundle, publicKeyPem]);

    /// <summary>securesystemslib: the DSSE envelope's signatures verify against <paramref name="publicKeyPem"/> (a file).</summary>
    public static string SecureSystemsLib(string bundle, string publicKeyPem) =>
        // Debian's python: a python3 earlier on PATH (pyenv) does not see the Debian package.
        Run("/usr/bin/python3", [Path.Combine(Scripts, "verify-dsse.py"), bundle, publicKeyPem]);

    /// <summary>The CycloneDX library: every file is valid CycloneDX JSON of <paramref name="specVersion"/> (e.g. <c>1.6</c>).</summary>
    public static string CycloneDx(string specVersion, params string[] files) =>
        Run("node", [Path.Combine(Scripts, "validate-cyclonedx.cjs"), specVersion, .. files]);

    private static string Run(string program, IEnumerable<string> arguments)
    {
        var verifiers = Environment.GetEnvironmentVariable("DRYDOCK_VERIFIERS");
        if (string.IsNullOrEmpty(verifiers) || !Directory.Exists(verifiers))
        {
            throw new InvalidOperationException("DRYDOCK_VERIFIERS is not set or missing: run `source eng/env.sh` and eng/setup.sh.");
        }

        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["NODE_PATH"] = Path.Combine(verifiers, "node_modules");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} did not finish in 60 s");
        }

        return process.ExitCode == 0 ? output.Result : throw new VerificationFailedException(error.Result.Trim());
    }
}

public sealed class VerificationFailedException(string message) : Exception(message);
