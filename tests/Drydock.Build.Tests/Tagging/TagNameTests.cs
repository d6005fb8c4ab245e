using System.Text.RegularExpressions;
using CsCheck;
using Drydock.Build.Tagging;

namespace Drydock.Build.Tests.Tagging;

public partial class TagNameTests
{
    // Any UTF-16 code unit, lone surrogates and control characters included, and lengths around the limit.
    private static readonly Gen<string> AnyString =
        Gen.Char[char.MinValue, char.MaxValue].Array[0, 400].Select(chars => new string(chars));

    private static readonly Gen<string> TagLike =
        Gen.Char["abcXYZ019_.-/ Ü"].Array[0, 300].Select(chars => new string(chars));

    private static readonly Gen<string> ValidTag =
        Gen.Select(
            Gen.Char["abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"],
            Gen.Char["abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-"].Array[0, 127],
            (first, rest) => first + new string(rest));

    [Fact]
    public void Sanitize_AnyString_MatchesOciTagGrammar()
    {
        Gen.OneOf(AnyString, TagLike).Sample(value =>
        {
            var tag = TagName.Sanitize(value);
            return OciTagGrammar().IsMatch(tag) && tag.Length <= 128;
        });
    }

    [Fact]
    public void Sanitize_AnyString_Deterministic()
    {
        Gen.OneOf(AnyString, TagLike).Sample(value => TagName.Sanitize(value) == TagName.Sanitize(new string(value.AsSpan())));
    }

    [Fact]
    public void Sanitize_ValidTag_Unchanged()
    {
        ValidTag.Sample(tag => TagName.Sanitize(tag) == tag);
    }

    [Fact]
    public void Sanitize_LongInputsSharingPrefix_Differ()
    {
        Gen.Select(TagLike, AnyString, AnyString)
            .Where((_, a, b) => a != b)
            .Sample((prefix, a, b) =>
            {
                var shared = (prefix + new string('p', 128))[..128];
                return TagName.Sanitize(shared + a + "x") != TagName.Sanitize(shared + b + "y" + b);
            });
    }

    [Fact]
    public void Sanitize_BranchWithSlashUnicodeAndSpace_EachInvalidCharacterIsDash()
    {
        Assert.Equal("feature-JIRA-12_--x", TagName.Sanitize("feature/JIRA-12_Ü x"));
    }

    [Fact]
    public void Sanitize_EmojiIsOneCharacter_OneDash()
    {
        Assert.Equal("fix---bug", TagName.Sanitize("fix-\U0001F41B-bug"));
    }

    [Theory]
    [InlineData(".hidden", "_hidden")]
    [InlineData("-x", "_x")]
    [InlineData("///", "_--")]
    [InlineData("v1.2.3+build.5", "v1.2.3-build.5")]
    [InlineData("line\nbreak", "line-break")]
    public void Sanitize_Examples(string value, string expected)
    {
        Assert.Equal(expected, TagName.Sanitize(value));
    }

    [Fact]
    public void Sanitize_Empty_HashOnly()
    {
        // The first 8 hex digits of SHA-256 over zero bytes.
        Assert.Equal("e3b0c442", TagName.Sanitize(""));
    }

    [Fact]
    public void Sanitize_300CharacterBranch_TruncatedWithHash()
    {
        var branch = "feature/" + new string('a', 292);

        var tag = TagName.Sanitize(branch);

        Assert.Equal(128, tag.Length);
        Assert.StartsWith("feature-" + new string('a', 111) + "-", tag, StringComparison.Ordinal);
        Assert.Matches("-[0-9a-f]{8}$", tag);
        Assert.NotEqual(tag, TagName.Sanitize(branch[..^1] + "b"));
    }

    [Theory]
    [InlineData("1.2.3", true)]
    [InlineData("latest", true)]
    [InlineData("_x", true)]
    [InlineData("", false)]
    [InlineData(".x", false)]
    [InlineData("-x", false)]
    [InlineData("a+b", false)]
    [InlineData("main\n", false)]
    public void IsValid_Examples(string tag, bool valid)
    {
        Assert.Equal(valid, TagName.IsValid(tag));
    }

    [Fact]
    public void IsValid_129Characters_False()
    {
        Assert.True(TagName.IsValid(new string('a', 128)));
        Assert.False(TagName.IsValid(new string('a', 129)));
    }

    // Written out independently from the product's regex, from the OCI distribution spec.
    [GeneratedRegex("^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}\\z")]
    private static partial Regex OciTagGrammar();
}
