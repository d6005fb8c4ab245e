using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Drydock.Build.Oci;

/// <summary>
/// A content digest as OCI writes it: <c>sha256:</c> and 64 lowercase hex digits.
/// Only sha256 is accepted: it is what the image spec registers as required and what the SDK writes
/// (https://github.com/opencontainers/image-spec/blob/main/descriptor.md#digests).
/// </summary>
public sealed record Digest
{
    private const string Prefix = "sha256:";
    private const int HexLength = 64;

    private Digest(string hex) => Hex = hex;

    /// <summary>The 64 lowercase hex digits, also the blob's file name under <c>blobs/sha256/</c>.</summary>
    public string Hex { get; }

    public static Digest Of(ReadOnlySpan<byte> bytes) => FromHash(SHA256.HashData(bytes));

    public static Digest Of(Stream stream) => FromHash(SHA256.HashData(stream));

    public static Digest Parse(string value) =>
        TryParse(value, out var digest)
            ? digest
            : throw new FormatException($"'{value}' is not a digest of the form sha256:<64 lowercase hex digits>.");

    public static bool TryParse([NotNullWhen(true)] string? value, [NotNullWhen(true)] out Digest? digest)
    {
        digest = null;
        if (value is null || value.Length != Prefix.Length + HexLength || !value.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var hex = value[Prefix.Length..];
        if (!hex.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f'))
        {
            return false;
        }

        digest = new Digest(hex);
        return true;
    }

    internal static Digest FromHash(byte[] sha256) => new(Convert.ToHexStringLower(sha256));

    public override string ToString() => Prefix + Hex;
}
