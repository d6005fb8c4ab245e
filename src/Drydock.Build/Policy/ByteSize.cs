using System.Globalization;
using Drydock.Values;

namespace Drydock.Build.Policy;

/// <summary>
/// Image sizes: <c>ContainerImageSizeBudget</c> parsed with Drydock's one size syntax, and sizes written for people.
/// </summary>
public static class ByteSize
{
    /// <summary><c>ContainerImageSizeBudget</c>: null when unset; a bad value is <c>DRY2008</c>.</summary>
    public static long? ParseBudget(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null
            : TryParse(text, out var bytes) ? bytes
            : throw new Diagnostics.DrydockException(Diagnostics.KnownCodes.InvalidSizeBudget,
                $"ContainerImageSizeBudget is {Diagnostics.MessageText.Quote(text)}; use bytes or a size such as 200MB or 180MiB.");

    /// <summary>The one size syntax of Drydock (<see cref="Sizes"/>, shared with the test profile's memory).</summary>
    public static bool TryParse(string? text, out long bytes)
    {
        var parsed = Sizes.Parse(text);
        bytes = parsed ?? 0;
        return parsed is not null;
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
