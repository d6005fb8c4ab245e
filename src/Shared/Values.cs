using System.Globalization;

namespace Drydock.Values;

/// <summary>
/// Durations as users write them in properties and <c>DRYDOCK_*</c> variables (linked source: one
/// syntax for Drydock.Build and Drydock.Testing): a number with a unit, <c>ms</c>, <c>s</c>, <c>m</c>
/// or <c>h</c> (<c>250ms</c>, <c>1.5s</c>, <c>30m</c>), or <c>0</c>.
/// </summary>
internal static class Durations
{
    private static readonly (string Unit, double Milliseconds)[] Units = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)];

    public const string Syntax = "a number with a unit ms, s, m or h, such as 250ms, 30s or 1.5m";

    /// <summary>Null when malformed or negative.</summary>
    public static TimeSpan? Parse(string? text)
    {
        var trimmed = text?.Trim() ?? "";
        if (trimmed == "0")
        {
            return TimeSpan.Zero;
        }

        // Longest unit name first: "ms" before "m" and "s".
        foreach (var (unit, milliseconds) in Units.OrderByDescending(unit => unit.Unit.Length))
        {
            if (trimmed.EndsWith(unit, StringComparison.Ordinal)
                && double.TryParse(trimmed[..^unit.Length], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)
                && double.IsFinite(number * milliseconds) && number * milliseconds <= TimeSpan.MaxValue.TotalMilliseconds)
            {
                return TimeSpan.FromMilliseconds(number * milliseconds);
            }
        }

        return null;
    }
}

/// <summary>
/// Sizes and memory amounts as users write them (linked source: one syntax for image size budgets and
/// the test profile's memory): bytes (<c>268435456</c>), the container engines' single-letter units
/// <c>b</c>, <c>k</c>, <c>m</c>, <c>g</c> (powers of 1024, as <c>docker run --memory 256m</c>),
/// <c>KiB</c>/<c>MiB</c>/<c>GiB</c> (powers of 1024) and <c>kB</c>/<c>MB</c>/<c>GB</c> (powers of 1000,
/// as registries and <c>docker images</c> show sizes). Case-insensitive except that a single letter is binary.
/// </summary>
internal static class Sizes
{
    private static readonly (string Suffix, long Factor)[] Units =
    [
        ("KiB", 1L << 10), ("MiB", 1L << 20), ("GiB", 1L << 30),
        ("kB", 1000), ("MB", 1000_000), ("GB", 1000_000_000),
        ("k", 1L << 10), ("m", 1L << 20), ("g", 1L << 30),
        ("b", 1),
    ];

    public const string Syntax = "bytes or a size such as 256m, 1g, 200MB or 180MiB (k, m, g, KiB, MiB, GiB: powers of 1024; kB, MB, GB: powers of 1000)";

    /// <summary>Null when malformed, negative or over <see cref="long.MaxValue"/>.</summary>
    public static long? Parse(string? text)
    {
        var trimmed = text?.Trim() ?? "";
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

        return trimmed.Length > 0
            && decimal.TryParse(trimmed, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)
            && number <= long.MaxValue / factor
                ? (long)decimal.Round(number * factor)
                : null;
    }
}
