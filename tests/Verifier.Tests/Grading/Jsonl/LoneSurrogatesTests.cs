using BestOfN.Verifier.Grading;

namespace BestOfN.Verifier.Tests.Grading.Jsonl;

public sealed class LoneSurrogatesTests
{
    [Theory]
    // A lone high surrogate escape becomes U+FFFD.
    [InlineData("""{"a": "\ud800"}""", "{\"a\": \"\uFFFD\"}")]
    // A lone low surrogate escape, upper-case hex.
    [InlineData("""{"a": "x\uDC00y"}""", "{\"a\": \"x\uFFFDy\"}")]
    // A pair of escapes is a valid character and stays.
    [InlineData("""{"a": "\ud83d\ude00"}""", """{"a": "\ud83d\ude00"}""")]
    // A high surrogate escape followed by a non-surrogate escape is lone.
    [InlineData("""{"a": "\ud83d\u0041"}""", "{\"a\": \"\uFFFD\\u0041\"}")]
    // An escaped backslash before "ud800" is text, not an escape.
    [InlineData("""{"a": "\\ud800"}""", """{"a": "\\ud800"}""")]
    // A truncated escape is left for the JSON parser to reject.
    [InlineData("""{"a": "\ud8"}""", """{"a": "\ud8"}""")]
    // Nothing to replace: the same text.
    [InlineData("""{"a": 1}""", """{"a": 1}""")]
    public void Lone_surrogate_escapes_are_replaced_and_everything_else_is_kept(string json, string expected)
    {
        Assert.Equal(expected, LoneSurrogates.ReplaceInJson(json));
    }

    [Fact]
    public void Raw_lone_surrogates_are_replaced_and_pairs_kept()
    {
        Assert.Equal("a\uFFFDb\uD83D\uDE00\uFFFD", LoneSurrogates.ReplaceInJson("a\uD800b\uD83D\uDE00\uDC00"));
        Assert.Equal("\uFFFD\uD83D\uDE00", LoneSurrogates.ReplaceInText("\uDFFF\uD83D\uDE00"));
        const string clean = "no surrogates";
        Assert.Same(clean, LoneSurrogates.ReplaceInJson(clean));
        Assert.Same(clean, LoneSurrogates.ReplaceInText(clean));
    }
}
