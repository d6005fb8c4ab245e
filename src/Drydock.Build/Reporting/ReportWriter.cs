using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using static System.FormattableString;

namespace Drydock.Build.Reporting;

public static class ReportWriter
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        // Labels hold URLs and '+' in media types: keep them readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly string[] TestsHeader = ["| test project | passed | failed | skipped | seconds |", "|---|---|---|---|---|"];

    public static string ToJson(ImageReport report) => JsonSerializer.Serialize(report, Json) + "\n";

    /// <summary>Writes the report only when its content changed, so incremental builds see it unchanged.</summary>
    /// <returns>True when the file was written.</returns>
    public static bool WriteJson(ImageReport report, string path)
    {
        var json = ToJson(report);
        if (File.Exists(path) && File.ReadAllText(path) == json)
        {
            return false;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        // Written aside and renamed: a publish that exits mid-write (SIGTERM) leaves the old report
        // or the new one, never half of one.
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, json);
        File.Move(temporary, path, overwrite: true);
        return true;
    }

    /// <summary>
    /// A GitHub-flavoured Markdown summary, for <c>$GITHUB_STEP_SUMMARY</c>. Every text that is not Drydock's own
    /// fixed wording (names, tags, paths, test projects, the lint's messages with their MSBuild snippets) is a code
    /// span (<see cref="Code"/>): GitHub's renderer would otherwise take <c>&lt;Content Update="…" /&gt;</c> for HTML and
    /// drop it, or a <c>|</c> for a table cell's end.
    /// </summary>
    public static string ToMarkdown(ImageReport report)
    {
        var image = report.Image;
        var name = string.IsNullOrEmpty(image.Registry) ? image.Repository : $"{image.Registry}/{image.Repository}";
        string[] lines =
        [
            Invariant($"### Drydock: {Code(name)}"),
            "",
            "| | |",
            "|---|---|",
            Invariant($"| digest | {Cell(image.Digest)} |"),
            Invariant($"| tags | {string.Join(", ", image.Tags.Select(Cell))} |"),
            Invariant($"| size | {image.Size / 1024.0 / 1024.0:0.0} MiB |"),
            Invariant($"| base | {Cell(image.BaseName)}{(image.BaseDigest is null ? "" : $" @ {Cell(image.BaseDigest)}")} |"),
            Invariant($"| revision | {Cell(report.Source.Revision)} |"),
            Invariant($"| version | {Cell(report.Source.Version)} |"),
            Invariant($"| tested | {(report.Tested ? "yes" : report.Cancelled ? "no: cancelled while the tests ran" : "no")} |"),
            Invariant($"| pushed | {(report.Push is { } push ? string.Join("<br>", push.OtherRegistries.Prepend(push).Select(PushLine)) : "no")} |"),
            "",
        ];
        var platforms = (image.Platforms ?? []).Select(platform => Invariant(
            $"- {Code(platform.Platform)} {Code(platform.Digest)}: {(platform.Tested ? platform.Emulated ? "tested under emulation" : "tested" : $"not tested: {Code(platform.Untested)}")}"))
            .Concat(image.Platforms is null ? [] : [""]);
        var tests = report.Tests.Count == 0
            ? []
            : TestsHeader.Concat(report.Tests.Select(test => Invariant($"| {Cell(test.Project)}{(test.Platform is null ? "" : $" ({Cell(test.Platform)})")}{(test.Cached ? " (cached)" : "")} | {test.Passed} | {test.Failed} | {test.Skipped} | {test.DurationSeconds:0.0} |")))
                .Append("");
        var findings = report.Findings.Select(finding => Invariant($"- {finding.DefaultSeverity.ToString().ToLowerInvariant()} **{finding.Code}**: {Code(finding.Message)}"));
        return string.Join('\n', lines.Concat(platforms).Concat(tests).Concat(findings)) + "\n";
    }

    /// <summary>One target of the push: what its registry confirmed, or why it failed (the code only; the message is in drydock.json).</summary>
    private static string PushLine(Oci.Registry.PushResult target)
    {
        var tags = target.Tags.Count == 0 ? "no tag" : "tags " + string.Join(", ", target.Tags.Select(Cell));
        var code = target.Error is { } error && error.IndexOf(':', StringComparison.Ordinal) is > 0 and var colon ? error[..colon] : target.Error;
        // A tag moved away from other bytes is said here too, not only in the build log (DRY6014 names the same-commit ones).
        var moved = target.TagsMoved.Count == 0 ? ""
            : "; moved here from other bytes: " + string.Join(", ", target.TagsMoved.Select(move => $"{Cell(move.Key)} (was {Cell(move.Value)})"));
        // An attestation the registry refused fails the publish (DRY6020): the summary must not look green then.
        var refused = target.Referrers.Where(referrer => referrer.Error is not null).Select(referrer => Cell(referrer.Name)).ToList();
        var attestations = target.Referrers.Count == 0 ? ""
            : refused.Count == 0 ? $"; {target.Referrers.Count} attestation(s) attached"
            : $"; attestations not attached (DRY6020): {string.Join(", ", refused)}";
        return target.Error is null ? $"{Cell($"{target.Registry}/{target.Repository}@{target.Digest}")}, verified, {tags}{moved}{attestations}"
            : target.Verified ? $"{Cell($"{target.Registry}/{target.Repository}@{target.Digest}")} by digest, {tags}: stopped ({code})"
            : $"no: the push to {Cell($"{target.Registry}/{target.Repository}")} failed ({code})";
    }

    /// <summary>
    /// <paramref name="text"/> as one CommonMark code span, shown as it is whatever it holds
    /// (https://spec.commonmark.org/0.31.2/#code-spans): fenced by one backtick more than its longest run of
    /// backticks, padded with a space when it starts or ends with one (the renderer strips one space each side),
    /// line breaks as spaces. Empty for no text.
    /// </summary>
    internal static string Code(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        text = text.ReplaceLineEndings(" ");
        var longest = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var run = 0;
            while (i < text.Length && text[i] == '`')
            {
                run++;
                i++;
            }

            longest = Math.Max(longest, run);
        }

        var fence = new string('`', longest + 1);
        var pad = text[0] is '`' or ' ' || text[^1] is '`' or ' ' ? " " : "";
        return $"{fence}{pad}{text}{pad}{fence}";
    }

    /// <summary>A code span inside a table cell: a <c>|</c> would end the cell, so it is escaped (GFM tables, "Include a pipe in a cell's content by escaping it, including inside other inline spans").</summary>
    internal static string Cell(string? text) => Code(text?.Replace("|", "\\|", StringComparison.Ordinal));
}
