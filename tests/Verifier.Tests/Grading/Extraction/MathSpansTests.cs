using BestOfN.Verifier.Grading;

namespace BestOfN.Verifier.Tests.Grading.Extraction;

public sealed class MathSpansTests
{
    [Theory]
    // Inline, display, \( \) and \[ \] spans, in order.
    [InlineData(@"a $x$ b $$y$$ c \(z\) d \[w\]", "x|y|z|w")]
    // An escaped dollar is money, not a delimiter.
    [InlineData(@"\$5 and $6$", "6")]
    // Dollars around prose are money: the opening sign is skipped and a later pair is found.
    [InlineData("earns $18 per day, so $18 \\cdot 2$", @"18 \cdot 2")]
    // An unclosed span is no span.
    [InlineData(@"open \(x + 1", "")]
    // A backslash-escaped dollar inside a span does not close it.
    [InlineData(@"$a \$ b$", @"a \$ b")]
    public void Spans_are_found_with_their_content(string text, string contents)
    {
        Assert.Equal(contents, string.Join("|", MathSpans.Find(text).Select(s => s.Content)));
    }

    [Fact]
    public void Span_bounds_include_the_delimiters()
    {
        var span = Assert.Single(MathSpans.Find("so \\(x\\)."));
        Assert.Equal((3, 8), (span.Start, span.End));
    }
}
