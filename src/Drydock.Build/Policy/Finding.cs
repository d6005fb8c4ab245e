namespace Drydock.Build.Policy;

/// <summary>How bad a finding is before the user's <c>NoWarn</c>/<c>WarningsAsErrors</c> change it; the names are SARIF's levels.</summary>
public enum Severity
{
    Error,
    Warning,
    Note,
}

/// <summary>
/// One hardening problem in an image. <paramref name="Message"/> is one line: what is wrong, where, what
/// to do; it names keys, labels and files but never a secret's value. <paramref name="Location"/> says
/// where in the image, e.g. <c>config.User</c>, <c>env API_KEY</c>, <c>layer 2: app/.env</c>.
/// </summary>
public sealed record Finding(string Code, Severity DefaultSeverity, string Message, string? Location);
