using BestOfN.Verifier.Grading;

namespace BestOfN.Verifier.Tests.Grading;

public sealed class AnswerKeyTests
{
    [Theory]
    [InlineData("0.5", @"\frac{1}{2}", "integers, fractions and decimals share a key")]
    [InlineData(@"\dfrac{2}{4}", "1/2", "fractions in lowest terms")]
    [InlineData("1,000", "1000", "thousands separators")]
    [InlineData(@"\sqrt{8}", @"2\sqrt2", "simple radicals")]
    [InlineData(@"\frac{1}{\sqrt{3}}", @"\frac{\sqrt{3}}{3}", "rationalised radicals")]
    [InlineData(@"2\pi", @"\pi \cdot 2", "multiples of pi")]
    [InlineData("x=5", "5", "an equation with a variable is its value")]
    [InlineData(@"\{3,1,2\}", "1, 2, 3", "sets and bare lists are sorted")]
    [InlineData(@"x=2 \text{ or } x=3", @"\{2,3\}", "solution sets")]
    [InlineData("(1, 0.5)", @"\left(1, \frac12\right)", "tuples element by element")]
    [InlineData(@"(-\infty, 2) \cup (3, \infty)", @"(3,\infty)\cup(-\infty,2)", "unions are sorted")]
    [InlineData(@"1 \pm \sqrt{2}", @"1-\sqrt2, 1+\sqrt2", "plus-minus expands")]
    [InlineData(@"30^\circ", "30", "degree marks are dropped")]
    [InlineData(@"\$18.90", "18.9", "money")]
    [InlineData(@"\text{(B)}", "B", "choices")]
    [InlineData(@"\text{Evelyn}", "evelyn", "text ignores case")]
    [InlineData("(x+1)^2", "x^2+2x+1", "polynomials are expanded")]
    public void Answers_the_engine_calls_equal_share_a_key(string a, string b, string why)
    {
        Assert.True(MathEquivalence.Compare(a, b, GraderOptions.Default).IsEqual, why);
        Assert.Equal(AnswerKey.Canonical(a), AnswerKey.Canonical(b));
    }

    [Theory]
    [InlineData("1", "2")]
    [InlineData(@"\frac{1}{2}", @"\frac{1}{3}")]
    [InlineData("(1,2)", "(2,1)")]
    [InlineData("(1,2)", "[1,2]")]
    [InlineData(@"\sqrt2", @"\sqrt3")]
    [InlineData("B", "C")]
    public void Different_answers_get_different_keys(string a, string b) =>
        Assert.NotEqual(AnswerKey.Canonical(a), AnswerKey.Canonical(b));

    [Theory]
    [InlineData(@"\frac{1}{\sqrt{2}+\sqrt{3}+1}", @"\frac{2+\sqrt{2}-\sqrt{6}}{4}", "a three-term denominator is only compared numerically")]
    [InlineData(@"\sin^2 x + \cos^2 x", "1", "identities of functions are numeric")]
    [InlineData("2, 3", "(2, 3)", "a bare list against a tuple")]
    public void Documented_cases_where_keys_differ_although_the_answers_compare_equal(string a, string b, string why)
    {
        Assert.True(MathEquivalence.Compare(a, b, GraderOptions.Default).IsEqual, why);
        Assert.NotEqual(AnswerKey.Canonical(a), AnswerKey.Canonical(b));
    }

    [Fact]
    public void Unparseable_answers_key_on_their_normalised_text()
    {
        Assert.Equal(AnswerKey.Canonical(@"\frac{1}{2"), AnswerKey.Canonical(@"\frac{1}{ 2"));
        Assert.StartsWith("raw:", AnswerKey.Canonical(@"\frac{1}{2"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_grader_key_is_the_static_key()
    {
        var grader = new AnswerGrader();
        foreach (var answer in new[] { "0.5", @"\sqrt{8}", "x=2 or x=3", @"\text{(B)}" })
        {
            Assert.Equal(AnswerKey.Canonical(answer), grader.Key(answer));
            Assert.Equal(AnswerKey.Canonical(answer), grader.Key(answer));
        }
    }
}
