using BestOfN.Verifier.Grading;

namespace BestOfN.Verifier.Tests.Grading.Extraction;

public sealed class NumberTokensTests
{
    [Theory]
    // The last number, with its sign and decimal part.
    [InlineData("from 3 to -4.25 degrees", "-4.25")]
    // A fraction is one token.
    [InlineData("about 3/8 of them", "3/8")]
    // Valid thousands groups lose their commas.
    [InlineData("1,234,567 people", "1234567")]
    // Invalid groups are kept whole: a list, not a number.
    [InlineData("values 1,23,456", "1,23,456")]
    // A hyphen between digits is not a sign.
    [InlineData("pages 10-12", "12")]
    // A leading decimal point gains a zero.
    [InlineData("costs .75", "0.75")]
    // Labels and identifiers are skipped.
    [InlineData("item #7 and x3 and 5", "5")]
    // A sentence-ending period is not a decimal point.
    [InlineData("It is 12.", "12")]
    public void The_last_number_in_prose(string text, string expected)
    {
        Assert.Equal(expected, NumberTokens.Last(text, 0, [])?.Answer);
    }

    [Fact]
    public void Masked_spans_and_text_before_the_start_are_not_read()
    {
        const string text = "first 1 then $2$ last";
        var spans = MathSpans.Find(text);
        Assert.Equal("1", NumberTokens.Last(text, 0, spans)?.Answer);
        Assert.Null(NumberTokens.Last(text, 8, spans));
        Assert.Null(NumberTokens.Last("H2O and #5", 0, []));
    }
}
