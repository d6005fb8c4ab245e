namespace Drydock.Build.Policy.Rules;

/// <summary>One hardening rule: looks at the image, says what is wrong. Rules never print a secret's value.</summary>
internal interface ILintRule
{
    IEnumerable<Finding> Check(LintSubject image);
}
