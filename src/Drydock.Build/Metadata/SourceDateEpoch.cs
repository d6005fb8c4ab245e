using System.Globalization;
using Drydock.Build.Diagnostics;

namespace Drydock.Build.Metadata;

/// <summary>
/// The <c>SOURCE_DATE_EPOCH</c> convention (https://reproducible-builds.org/specs/source-date-epoch/):
/// an ASCII integer of seconds since 1970-01-01 UTC, as printed by <c>date +%s</c>.
/// </summary>
public static class SourceDateEpoch
{
    // DateTimeOffset ends at 9999-12-31T23:59:59Z.
    private const long MaxSeconds = 253_402_300_799;

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
                $"{KnownCodes.InvalidSourceDateEpoch}: the environment variable SOURCE_DATE_EPOCH is {MessageText.Quote(value)}, which is not a whole number of seconds since 1970-01-01 UTC. Set it to an integer such as the commit time (git log -1 --format=%ct), or unset it to use the commit time.");
    }
}
