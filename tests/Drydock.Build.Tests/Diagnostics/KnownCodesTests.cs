using System.Reflection;
using System.Text.RegularExpressions;
using Drydock.Build.Diagnostics;
using Drydock.Build.Tests.Support;

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
        var documented = Heading().Matches(RepositoryFile.Read("docs", "diagnostics.md")).Select(match => match.Groups[1].Value).ToArray();

        Assert.Equal(Codes.Order(), documented.Order());
    }

    [Fact]
    public void HelpLink_PointsAtTheSection() =>
        Assert.EndsWith("docs/diagnostics.md#dry1001", KnownCodes.HelpLink(KnownCodes.NoRepository));

    [Fact]
    public void Targets_MakeEveryCodeAnErrorUnderTreatWarningsAsErrors()
    {
        // Drydock.Sdk.targets adds the list to MSBuildWarningsAsErrors when TreatWarningsAsErrors is true.
        var listed = TreatWarningsAsErrorsList().Match(RepositoryFile.Read("sdk", "Drydock.Sdk", "build", "Drydock.Sdk.targets"));
        Assert.True(listed.Success, "Drydock.Sdk.targets has no _DrydockCodes list.");

        var codes = listed.Groups[1].Value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        Assert.Equal(Codes.Order(), codes.Order());
    }

    [GeneratedRegex("<_DrydockCodes>([^<]*)</_DrydockCodes>")]
    private static partial Regex TreatWarningsAsErrorsList();

    [GeneratedRegex(@"^### (DRY\d{4})\s*$", RegexOptions.Multiline)]
    private static partial Regex Heading();
}
