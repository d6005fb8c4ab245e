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

    /// <summary>A GitHub-flavoured Markdown summary, for <c>$GITHUB_STEP_SUMMARY</c>.</summary>
    public static string ToMarkdown(ImageReport report)
    {
        var image = report.Image;
        var name = string.IsNullOrEmpty(image.Registry) ? image.Repository : $"{image.Registry}/{image.Repository}";
        string[] lines =
        [
            Invariant($"### Drydock: `{name}`"),
            "",
            "| | |",
            "|---|---|",
            Invariant($"| digest | `{image.Digest}` |"),
            Invariant($"| tags | {string.Join(", ", image.Tags.Select(tag => $"`{tag}`"))} |"),
            Invariant($"| size | {image.Size / 1024.0 / 1024.0:0.0} MiB |"),
            Invariant($"| base | `{image.BaseName}`{(image.BaseDigest is null ? "" : $" @ `{image.BaseDigest}`")} |"),
            Invariant($"| revision | `{report.Source.Revision}` |"),
            Invariant($"| version | `{report.Source.Version}` |"),
            Invariant($"| tested | {(report.Tested ? "yes" : report.Cancelled ? "no: cancelled while the tests ran" : "no")} |"),
            Invariant($"| pushed | {(report.Push is { } push ? string.Join("<br>", push.OtherRegistries.Prepend(push).Select(PushLine)) : "no")} |"),
            "",
        ];
        var platforms = (image.Platforms ?? []).Select(platform => Invariant(
            $"- `{platform.Platform}` `{platform.Digest}`: {(platform.Tested ? platform.Emulated ? "tested under emulation" : "tested" : $"not tested: {platform.Untested}")}"))
            .Concat(image.Platforms is null ? [] : [""]);
        var tests = report.Tests.Count == 0
            ? []
            : TestsHeader.Concat(report.Tests.Select(test => Invariant($"| {test.Project}{(test.Platform is null ? "" : $" ({test.Platform})")}{(test.Cached ? " (cached)" : "")} | {test.Passed} | {test.Failed} | {test.Skipped} | {test.DurationSeconds:0.0} |")))
                .Append("");
        var findings = report.Findings.Select(finding => Invariant($"- {finding.DefaultSeverity.ToString().ToLowerInvariant()} **{finding.Code}**: {finding.Message}"));
        return string.Join('\n', lines.Concat(platforms).Concat(tests).Concat(findings)) + "\n";
    }

    /// <summary>One target of the push: what its registry confirmed, or why it failed (the code only; the message is in drydock.json).</summary>
    private static string PushLine(Oci.Registry.PushResult target)
    {
        var tags = target.Tags.Count == 0 ? "no tag" : "tags " + string.Join(", ", target.Tags.Select(tag => $"`{tag}`"));
        var code = target.Error is { } error && error.IndexOf(':', StringComparison.Ordinal) is > 0 and var colon ? error[..colon] : target.Error;
        return target.Error is null ? $"`{target.Registry}/{target.Repository}@{target.Digest}`, verified, {tags}"
            : target.Verified ? $"`{target.Registry}/{target.Repository}@{target.Digest}` by digest, {tags}: stopped ({code})"
            : $"no: the push to `{target.Registry}/{target.Repository}` failed ({code})";
    }
}
