using System.Globalization;

namespace Drydock.Build.Policy;

/// <summary>
/// Sizes as users write them in properties: <c>209715200</c>, <c>200MB</c>, <c>1.5 GB</c>, <c>200MiB</c>.
/// kB/MB/GB are powers of 1000 (as registries and <c>docker images</c> show them); KiB/MiB/GiB powers of 1024.
/// </summary>
public static class ByteSize
{
    private static readonly (string Suffix, long Factor)[] Units =
    [
        ("KiB", 1L << 10), ("MiB", 1L << 20), ("GiB", 1L << 30),
        ("kB", 1000), ("KB", 1000), ("MB", 1000_000), ("GB", 1000_000_000),
        ("B", 1),
    ];

    /// <summary><c>ContainerImageSizeBudget</c>: null when unset; a bad value is <c>DRY2008</c>.</summary>
    public static long? ParseBudget(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null
            : TryParse(text, out var bytes) ? bytes
            : throw new Diagnostics.DrydockException(Diagnostics.KnownCodes.InvalidSizeBudget,
                $"ContainerImageSizeBudget is '{text}'; use bytes or a size such as 200MB or 180MiB.");

    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return false;
        }

        var factor = 1L;
        foreach (var (suffix, unitFactor) in Units)
        {
            if (trimmed.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                factor = unitFactor;
                trimmed = trimmed[..^suffix.Length].TrimEnd();
                break;
            }
        }

        if (!decimal.TryParse(trimmed, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)
            || number * factor > long.MaxValue)
        {
            return false;
        }

        bytes = (long)decimal.Round(number * factor);
        return true;
    }

    /// <summary>One decimal in the largest unit below the value (MB = 1000²), e.g. <c>71.3 MB</c>.</summary>
    public static string Format(long bytes) => bytes switch
    {
        >= 1000_000_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e9:0.0} GB"),
        >= 1000_000 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:0.0} MB"),
        >= 1000 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e3:0.0} kB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
    };
}
