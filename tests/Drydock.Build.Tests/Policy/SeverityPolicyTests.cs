using Drydock.Build.Diagnostics;
using Drydock.Build.Policy;

namespace Drydock.Build.Tests.Policy;

public sealed class SeverityPolicyTests
{
    private static readonly Finding Warning = new(KnownCodes.DevelopmentFile, Severity.Warning, "dev settings", "layer 2: app/appsettings.Development.json");
    private static readonly Finding Error = new(KnownCodes.RunsAsRoot, Severity.Error, "root", "config.User");

    private static SeverityPolicy Policy(string rules = "", string noWarn = "", bool strict = false, string notAsErrors = "") => new(
        rules.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(rule => rule.Split('=')).ToDictionary(pair => pair[0], pair => pair[1]),
        SeverityOverrides.Codes(noWarn),
        strict,
        SeverityOverrides.Codes(notAsErrors));

    [Fact]
    public void Apply_NoPolicy_DefaultSeverities() =>
        Assert.Equal([Warning, Error], SeverityOverrides.Apply([Warning, Error], Policy()));

    [Fact]
    public void Apply_NoWarn_DropsTheWarningNotTheError() =>
        Assert.Equal([Error], SeverityOverrides.Apply([Warning, Error], Policy(noWarn: $"CS1591; {KnownCodes.DevelopmentFile}, {KnownCodes.RunsAsRoot}")));

    [Fact]
    public void Apply_TreatWarningsAsErrors_EscalatesExceptWarningsNotAsErrors()
    {
        Assert.Equal(Severity.Error, SeverityOverrides.Apply([Warning], Policy(strict: true))[0].DefaultSeverity);
        Assert.Equal(Severity.Warning, SeverityOverrides.Apply([Warning], Policy(strict: true, notAsErrors: KnownCodes.DevelopmentFile))[0].DefaultSeverity);
    }

    [Fact]
    public void Apply_RuleSeverity_ChangesOrTurnsOff()
    {
        Assert.Equal(Severity.Error, SeverityOverrides.Apply([Warning], Policy($"{KnownCodes.DevelopmentFile}=Error"))[0].DefaultSeverity);
        Assert.Equal(Severity.Note, SeverityOverrides.Apply([Error], Policy($"{KnownCodes.RunsAsRoot}=note"))[0].DefaultSeverity);
        Assert.Empty(SeverityOverrides.Apply([Warning, Error], Policy($"{KnownCodes.DevelopmentFile}=none;{KnownCodes.RunsAsRoot}=none")));
    }

    [Fact]
    public void Apply_UnknownSeverity_DRY2007()
    {
        var error = Assert.Throws<DrydockException>(() => SeverityOverrides.Apply([Warning], Policy($"{KnownCodes.DevelopmentFile}=fatal")));

        Assert.Equal(KnownCodes.InvalidLintSeverity, error.Code);
        Assert.Contains("fatal", error.Message);
    }
}

public sealed class SizeBudgetPropertyTests
{
    [Fact]
    public void ParseBudget_UnsetOrSize()
    {
        Assert.Null(ByteSize.ParseBudget(" "));
        Assert.Equal(200_000_000, ByteSize.ParseBudget("200MB"));
    }

    [Fact]
    public void ParseBudget_Invalid_DRY2008()
    {
        var error = Assert.Throws<DrydockException>(() => ByteSize.ParseBudget("huge"));

        Assert.Equal(KnownCodes.InvalidSizeBudget, error.Code);
        Assert.Contains("'huge'", error.Message);
    }
}
