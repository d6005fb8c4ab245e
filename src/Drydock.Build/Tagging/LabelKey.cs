using Drydock.Build.Diagnostics;

namespace Drydock.Build.Tagging;

/// <summary>
/// Label and annotation keys. The OCI image spec asks for reverse-domain keys
/// (https://github.com/opencontainers/image-spec/blob/main/annotations.md#rules) but does not
/// require them, and user labels like <c>maintainer</c> are common, so only what breaks tools is
/// rejected: an empty key, whitespace, <c>=</c> (the <c>docker --label k=v</c> separator) and
/// control characters.
/// </summary>
public static class LabelKey
{
    public static bool IsValid(string? key) =>
        !string.IsNullOrEmpty(key) && !key.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c == '=');

    /// <summary>Throws <see cref="KnownCodes.InvalidLabelKey"/> unless <paramref name="key"/> is valid.</summary>
    public static void Validate(string? key)
    {
        if (IsValid(key))
        {
            return;
        }

        var shown = string.IsNullOrEmpty(key) ? "(empty)" : MessageText.Quote(key);
        throw new DrydockException(
            KnownCodes.InvalidLabelKey,
            $"ContainerLabel key {shown} is not a valid label key: it must be non-empty without whitespace, '=' or control characters. Use a reverse-domain key such as 'com.example.team'.");
    }
}
