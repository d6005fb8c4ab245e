using System.Globalization;
using System.Text;

namespace Drydock.Testing;

/// <summary>
/// What a failure keeps of a container's log in its message: the first <see cref="Head"/> and the last
/// <see cref="Tail"/> lines. The cause is usually early (globalapp on a base without ICU names ICU in its
/// first line, then prints 30+ stack frames); the end says how it ended. The whole log goes to a file.
/// </summary>
internal static class LogExcerpt
{
    public const int Head = 20;
    public const int Tail = 40;

    /// <summary>The log itself when short; else head, <c>… N lines …</c>, tail.</summary>
    public static string Of(string log)
    {
        var lines = log.TrimEnd('\n').Split('\n');
        if (lines.Length <= Head + Tail)
        {
            return log;
        }

        var skipped = lines.Length - Head - Tail;
        return string.Join('\n', [.. lines.Take(Head), $"… {skipped.ToString(CultureInfo.InvariantCulture)} lines …", .. lines.TakeLast(Tail)]) + "\n";
    }

    /// <summary>
    /// Writes the whole log to <paramref name="directory"/> as <c>&lt;name&gt;-&lt;short id&gt;.log</c>, the name
    /// being the image's repository without registry and tag; returns the path, or null when there is no
    /// folder or it cannot be written (the message still has the excerpt).
    /// </summary>
    public static string? Write(string? directory, string image, string containerId, string log)
    {
        if (string.IsNullOrEmpty(directory))
        {
            return null;
        }

        var path = Path.Combine(directory, $"{FileName(image)}-{containerId[..Math.Min(12, containerId.Length)]}.log");
        try
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(path, log, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            return path;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary><c>localhost:5000/shop/api:sha-1</c> → <c>api</c>; an image id <c>sha256:ab…</c> → <c>image-ab…</c> (12 hex).</summary>
    internal static string FileName(string image)
    {
        if (image.StartsWith("sha256:", StringComparison.Ordinal))
        {
            return "image-" + image["sha256:".Length..][..Math.Min(12, image.Length - "sha256:".Length)];
        }

        var name = image.Split('@')[0];
        name = name[(name.LastIndexOf('/') + 1)..];
        name = name.Split(':')[0];
        var safe = new string([.. name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '-')]);
        return safe.Length > 0 ? safe : "image";
    }
}
