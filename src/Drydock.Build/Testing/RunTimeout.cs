using System.Globalization;
using Drydock.Build.Diagnostics;
using Drydock.Values;

namespace Drydock.Build.Testing;

/// <summary>
/// <c>DrydockTestRunTimeout</c>: a duration in the one syntax (<see cref="Durations"/>: <c>90s</c>,
/// <c>30m</c>, <c>1h</c>), or whole minutes (<c>30</c>), as it was first documented.
/// </summary>
public static class RunTimeout
{
    public static TimeSpan Parse(string? value)
    {
        var text = (value ?? "").Trim();
        var timeout = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var minutes)
            ? TimeSpan.FromMinutes(minutes)
            : Durations.Parse(text);
        return timeout is { } positive && positive > TimeSpan.Zero
            ? positive
            : throw new DrydockException(KnownCodes.InvalidTestRunTimeout,
                $"DrydockTestRunTimeout is {MessageText.Quote(value)}; set whole minutes (30) or {Durations.Syntax}.");
    }
}
