using System.Globalization;
using Drydock.Build.Diagnostics;

namespace Drydock.Build.Testing;

/// <summary><c>DrydockTestRunTimeout</c>: whole minutes (<c>30</c>), or a duration in seconds or minutes (<c>90s</c>, <c>30m</c>).</summary>
public static class RunTimeout
{
    public static TimeSpan Parse(string? value)
    {
        var text = (value ?? "").Trim();
        var (number, unit) = text.EndsWith('s') ? (text[..^1], 1) : text.EndsWith('m') ? (text[..^1], 60) : (text, 60);
        return int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var amount) && amount > 0
            ? TimeSpan.FromSeconds((double)amount * unit)
            : throw new DrydockException(KnownCodes.InvalidTestRunTimeout,
                $"DrydockTestRunTimeout is '{value}'; set it to whole minutes (30) or a duration such as 90s or 30m.");
    }
}
