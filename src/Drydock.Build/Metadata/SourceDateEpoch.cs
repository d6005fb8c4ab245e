using System.Globalization;
using Drydock.Build.Diagnostics;

namespace Drydock.Build.Metadata;

/// <summary>
/// The <c>SOURCE_DATE_EPOCH</c> convention (https://reproducible-builds.org/specs/source-date-epoch/):
/// an ASCII integer of seconds since 1970-01-01 UTC, as printed by <c>date +%s</c>.
/// </summary>
public static class SourceDateEpoch
{
    /// <summary>
    /// The last second an image can carry: a tar header stores a file's mtime in 11 octal digits
    /// (POSIX ustar), so 8589934591 s, 2242-03-16T12:56:31Z. The normalizer writes the epoch there.
    /// </summary>
    public const long MaxSeconds = 0x1_FFFF_FFFF; // 077777777777 octal: C# has no octal literals

    /// <summary>Whether the time fits every place the image stores it: 1970-01-01 up to <see cref="MaxSeconds"/>.</summary>
    public static bool IsInRange(DateTimeOffset time) => time.ToUnixTimeSeconds() is >= 0 and <= MaxSeconds;

    /// <summary>The time, <see langword="null"/> when unset; throws <see cref="KnownCodes.InvalidSourceDateEpoch"/> when unparsable.</summary>
    public static DateTimeOffset? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        // NumberStyles.None: digits only, no sign, no spaces, no fraction.
        return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds <= MaxSeconds
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : throw new DrydockException(
                KnownCodes.InvalidSourceDateEpoch,
                $"the environment variable SOURCE_DATE_EPOCH is {MessageText.Quote(value)}, which is not a whole number of seconds from 1970-01-01 up to 2242-03-16 UTC ({MaxSeconds}, the last time a tar header holds). Set it to an integer such as the commit time (git log -1 --format=%ct), or unset it to use the commit time.");
    }
}
