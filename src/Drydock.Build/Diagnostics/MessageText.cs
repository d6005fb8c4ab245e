using System.Globalization;

namespace Drydock.Build.Diagnostics;

/// <summary>Formats user-given values for one-line diagnostics.</summary>
internal static class MessageText
{
    /// <summary>
    /// The value in single quotes with control characters and line breaks written as <c>\uXXXX</c>:
    /// a raw newline would split the message, and MSBuild reads only the first line as the error.
    /// </summary>
    public static string Quote(string? value) => "'" + Escape(value) + "'";

    /// <summary>The value with control characters and line breaks written as <c>\uXXXX</c>, without quotes.</summary>
    public static string Escape(string? value) =>
        string.Concat((value ?? "").Select(c => char.IsControl(c) || c is '\u2028' or '\u2029' ? $"\\u{((int)c).ToString("x4", CultureInfo.InvariantCulture)}" : c.ToString()));
}
