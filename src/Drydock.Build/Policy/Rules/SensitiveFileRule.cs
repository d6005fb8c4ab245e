using Drydock.Build.Diagnostics;

namespace Drydock.Build.Policy.Rules;

/// <summary>
/// Files that have no business in a deployed app, found in the layers the build added (base layers are
/// someone else's). A file a later layer deletes still ships in its own layer, so every entry counts.
/// </summary>
internal sealed class SensitiveFileRule : ILintRule
{
    private static readonly string[] SshPrivateKeys = ["id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_ecdsa_sk", "id_ed25519_sk"];

    /// <summary>Templates checked into repositories next to <c>.env</c>; they hold names, not values.</summary>
    private static readonly string[] EnvTemplates = [".env.example", ".env.sample", ".env.template", ".env.dist"];

    public IEnumerable<Finding> Check(LintSubject image)
    {
        var reportedRepositories = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in image.Files.AppLayerFiles)
        {
            if (GitDirectory(file.Path) is { } repository)
            {
                if (reportedRepositories.Add($"{file.Layer}:{repository}"))
                {
                    yield return LintRules.Finding(
                        KnownCodes.SensitiveFile,
                        $"The app layer holds a git repository '{repository}' (source history, and remote credentials in its config); keep .git out of the publish output.",
                        $"layer {file.Layer}: {repository}");
                }

                continue;
            }

            if (!file.IsRegularFile)
            {
                continue;
            }

            if (SecretKind(file) is { } secret)
            {
                yield return LintRules.Finding(
                    KnownCodes.SensitiveFile,
                    $"The app layer holds '{file.Path}' ({secret}); keep it out of the publish output (CopyToPublishDirectory=\"Never\") and mount it at run time from a secret store.",
                    file.Where);
            }
            else if (DevelopmentKind(file, image.Context) is { } development)
            {
                yield return LintRules.Finding(
                    KnownCodes.DevelopmentFile,
                    development.Severity,
                    $"The app layer holds '{file.Path}' ({development.Kind}); keep it out of the publish output, e.g. <Content Update=\"{file.Name}\" CopyToPublishDirectory=\"Never\" />{development.Switch}.",
                    file.Where);
            }
        }
    }

    private static string? GitDirectory(string path)
    {
        var segments = path.Split('/');
        var at = Array.IndexOf(segments, ".git");
        return at < 0 ? null : string.Join('/', segments[..(at + 1)]);
    }

    private static string? SecretKind(ImageFile file)
    {
        var name = file.Name;
        if (name == ".env" || (name.StartsWith(".env.", StringComparison.Ordinal) && !EnvTemplates.Contains(name, StringComparer.OrdinalIgnoreCase)))
        {
            return "an environment file, usually with secrets";
        }

        if (name.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".p12", StringComparison.OrdinalIgnoreCase))
        {
            return "a PKCS#12 bundle, which holds a private key";
        }

        if (file.HoldsPrivateKey)
        {
            return "a PEM private key";
        }

        if (file.HoldsCredentials)
        {
            return "a NuGet configuration with package feed credentials, packageSourceCredentials";
        }

        if (SshPrivateKeys.Contains(name, StringComparer.Ordinal))
        {
            return "an SSH private key";
        }

        return name.Equals("secrets.json", StringComparison.OrdinalIgnoreCase) ? "a user-secrets file" : null;
    }

    /// <summary>
    /// What the file is and how bad. Development settings and a credential-free NuGet.config are advice (notes)
    /// unless the project asks for warnings: every template publishes the first, and neither does harm outside
    /// Development or a restore. A per-user IDE file is a mistake the user should mend: a warning.
    /// </summary>
    private static (string Kind, Severity Severity, string Switch)? DevelopmentKind(ImageFile file, LintContext context)
    {
        if (file.Name.Equals("appsettings.Development.json", StringComparison.OrdinalIgnoreCase))
        {
            return ("settings for the Development environment only", Advice(context.WarnOnDevelopmentSettings), " (DrydockWarnOnDevelopmentSettings=true makes this a warning)");
        }

        if (file.Name.Equals("NuGet.config", StringComparison.OrdinalIgnoreCase))
        {
            return ("a NuGet configuration without credentials, needed only to restore", Advice(context.WarnOnNuGetConfig), " (DrydockWarnOnNuGetConfig=true makes this a warning)");
        }

        return file.Name.EndsWith(".user", StringComparison.OrdinalIgnoreCase) ? ("a per-user IDE project file", Severity.Warning, "") : null;
    }

    private static Severity Advice(bool warn) => warn ? Severity.Warning : Severity.Note;
}
