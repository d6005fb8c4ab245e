using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Drydock.Build.Tagging;

/// <summary>
/// Image tags per the OCI distribution spec ("Pulling manifests"): a tag matches
/// <c>[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}</c>.
/// https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pulling-manifests
/// </summary>
public static partial class TagName
{
    public const int MaxLength = 128;

    private const int HashLength = 8;

    public static bool IsValid(string? tag) => tag is not null && Grammar().IsMatch(tag);

    /// <summary>
    /// Makes any string a valid tag, deterministically: each character outside the grammar (each
    /// Unicode scalar, so <c>Ü</c> or an emoji is one) becomes <c>-</c>; a leading <c>.</c> or <c>-</c>
    /// becomes <c>_</c>; a result over 128 characters keeps its first 119 and ends with <c>-</c> and
    /// 8 hex digits of the SHA-256 of the whole input, so long names that share a prefix stay apart.
    /// The empty string gives those 8 hex digits alone. A valid tag is returned unchanged.
    /// </summary>
    public static string Sanitize(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (IsValid(value))
        {
            return value;
        }

        if (value.Length == 0)
        {
            return ShortHash(value);
        }

        var builder = new StringBuilder(value.Length);
        foreach (var rune in value.EnumerateRunes())
        {
            builder.Append(rune.IsAscii && IsTagChar((char)rune.Value) ? (char)rune.Value : '-');
        }

        if (builder[0] is '.' or '-')
        {
            builder[0] = '_';
        }

        if (builder.Length > MaxLength)
        {
            builder.Length = MaxLength - HashLength - 1;
            builder.Append('-').Append(ShortHash(value));
        }

        return builder.ToString();
    }

    private static bool IsTagChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-';

    // Hashes the UTF-16 code units as they are: encoding to UTF-8 would map every lone surrogate to
    // U+FFFD and let different inputs share a hash.
    private static string ShortHash(string value) =>
        Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(value.AsSpan())))[..HashLength];

    // \z, not $: $ also matches before a final newline.
    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Grammar();
}
