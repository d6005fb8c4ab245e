using System.Reflection;
using System.Text.RegularExpressions;
using Drydock.Build.Diagnostics;

namespace Drydock.Build.Tests.Diagnostics;

public sealed partial class KnownCodesTests
{
    private static readonly string[] Codes = typeof(KnownCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(field => field.IsLiteral)
        .Select(field => (string)field.GetRawConstantValue()!)
        .ToArray();

    [Fact]
    public void Codes_AreDistinctAndWellFormed()
    {
        Assert.Equal(Codes.Length, Codes.Distinct().Count());
        Assert.All(Codes, code => Assert.Matches("^DRY[1-6][0-9]{3}$", code));
    }

    [Fact]
    public void Docs_HaveASectionForEveryCodeAndNoOther()
    {
        var documented = Heading().Matches(File.ReadAllText(DiagnosticsDoc())).Select(match => match.Groups[1].Value).ToArray();

        Assert.Equal(Codes.Order(), documented.Order());
    }

    [Fact]
    public void HelpLink_PointsAtTheSection() =>
        Assert.EndsWith("docs/diagnostics.md#dry1001", KnownCodes.HelpLink(KnownCodes.NoRepository));

    private static string DiagnosticsDoc()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var doc = Path.Combine(directory.FullName, "docs", "diagnostics.md");
            if (File.Exists(doc))
            {
                return doc;
            }
        }

        throw new FileNotFoundException("docs/diagnostics.md not found above the test assembly.");
    }

    [GeneratedRegex(@"^### (DRY\d{4})\s*$", RegexOptions.Multiline)]
    private static partial Regex Heading();
}
