using System.Text.RegularExpressions;
using Drydock.Build.Diagnostics;

namespace Drydock.Build.Policy.Rules;

/// <summary>
/// Environment variables and labels are part of the image config: anyone who can pull the image reads
/// them (<c>docker inspect</c>), and they stay in every copy forever. A finding names the key and what
/// gave it away, never the value.
/// </summary>
internal sealed partial class SecretRule : ILintRule
{
    /// <summary>Key name parts that mean "the value is a credential", matched on the key uppercased without separators.</summary>
    private static readonly string[] SecretKeyParts = ["PASSWORD", "PASSWD", "SECRET", "TOKEN", "APIKEY", "PRIVATEKEY"];

    private static readonly (string What, Regex Shape)[] TokenShapes =
    [
        ("a GitHub token", GitHubToken()),
        ("an AWS access key id", AwsAccessKeyId()),
        ("a PEM private key", PemPrivateKey()),
        ("a Slack token", SlackToken()),
        ("a GitLab token", GitLabToken()),
        ("a URL with a password", UrlWithPassword()),
    ];

    public IEnumerable<Finding> Check(LintSubject image) =>
        image.Env.Select(variable => Check("Environment variable", "env", variable.Key, variable.Value))
            .Concat(image.Labels.Select(label => Check("Label", "label", label.Key, label.Value)))
            .OfType<Finding>();

    private static Finding? Check(string kind, string locationKind, string key, string value)
    {
        if (Reason(key, value) is not { } reason)
        {
            return null;
        }

        var fix = locationKind == "env"
            ? "remove it from the image (ContainerEnvironmentVariable) and give it to the container at run time from a secret store"
            : "remove the ContainerLabel; labels are for metadata";
        return LintRules.Finding(
            KnownCodes.SecretInConfig,
            $"{kind} '{key}' holds {reason}, readable by anyone who can pull the image; {fix}, and rotate the credential.",
            $"{locationKind} {key}");
    }

    /// <summary>What makes the value a secret, or null. The token shapes hold whatever the key is called.</summary>
    internal static string? Reason(string key, string value)
    {
        foreach (var (what, shape) in TokenShapes)
        {
            if (shape.IsMatch(value))
            {
                return what;
            }
        }

        if (IsReference(key, value))
        {
            return null;
        }

        var name = NormalizeKey(key);
        if (SecretKeyParts.FirstOrDefault(name.Contains) is { } part
            && (part is "PASSWORD" or "PASSWD" || !IsSetting(value)))
        {
            return "a secret (its name contains " + part + ")";
        }

        // A connection string is only a secret when it carries a credential; "Server=db;Integrated Security=true" is not.
        return name.Contains("CONNECTIONSTRING", StringComparison.Ordinal) && ConnectionStringCredential().IsMatch(value)
            ? "a connection string with a credential"
            : null;
    }

    private static string NormalizeKey(string key) =>
        string.Concat(key.Where(char.IsAsciiLetterOrDigit)).ToUpperInvariant();

    /// <summary>
    /// Values that point at a secret instead of holding it: empty, <c>${NAME}</c>/<c>$NAME</c> left for
    /// a shell or template to expand, and the <c>*_FILE</c> convention of official images (the value is a path).
    /// </summary>
    private static bool IsReference(string key, string value) =>
        string.IsNullOrWhiteSpace(value)
        || Reference().IsMatch(value.Trim())
        || key.EndsWith("_FILE", StringComparison.OrdinalIgnoreCase);

    /// <summary><c>Auth__RequireToken=true</c>, <c>TOKEN_LIFETIME=3600</c>: settings about secrets, not secrets.</summary>
    private static bool IsSetting(string value) =>
        bool.TryParse(value.Trim(), out _) || Number().IsMatch(value.Trim());

    [GeneratedRegex(@"\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})")]
    private static partial Regex GitHubToken();

    [GeneratedRegex(@"\b(AKIA|ASIA)[0-9A-Z]{16}\b")]
    private static partial Regex AwsAccessKeyId();

    [GeneratedRegex(@"-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY-----")]
    private static partial Regex PemPrivateKey();

    [GeneratedRegex(@"\bxox[baprs]-[A-Za-z0-9-]{10,}")]
    private static partial Regex SlackToken();

    [GeneratedRegex(@"\bglpat-[A-Za-z0-9_-]{20,}")]
    private static partial Regex GitLabToken();

    /// <summary><c>scheme://user:password@host</c>, unless the password is a <c>$</c> reference.</summary>
    [GeneratedRegex(@"[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]+:(?!\$)[^/\s@]+@")]
    private static partial Regex UrlWithPassword();

    [GeneratedRegex(@"(?i)(^|;)\s*(password|pwd|accountkey|sharedaccesskey)\s*=\s*[^;\s]")]
    private static partial Regex ConnectionStringCredential();

    [GeneratedRegex(@"^(\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*|%[A-Za-z_][A-Za-z0-9_]*%)$")]
    private static partial Regex Reference();

    [GeneratedRegex(@"^[0-9]{1,9}$")]
    private static partial Regex Number();
}
