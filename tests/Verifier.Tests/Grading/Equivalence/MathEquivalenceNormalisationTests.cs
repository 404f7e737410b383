using BestOfN.Verifier.Grading;
using static BestOfN.Verifier.Grading.Verdict;
using Case = BestOfN.Verifier.Tests.Grading.Equivalence.MathEquivalenceTests.Case;
using Lenient = BestOfN.Verifier.Tests.Grading.Equivalence.MathEquivalenceTests.Lenient;

namespace BestOfN.Verifier.Tests.Grading.Equivalence;

/// <summary>Normalisation gaps of issue 9: the gold unwrapped as the prediction is, labels, chains, inequalities, thousands.</summary>
public sealed class MathEquivalenceNormalisationTests
{
    private static Case C(string prediction, string gold, Verdict expected, string why, Lenient options = Lenient.None) =>
        new(prediction, gold, expected, why, options);

    public static readonly Case[] Cases =
    [
        // ---- the gold unwrapped like the prediction ----
        C("5", @"\boxed{5}", Equal, "a boxed gold is opened"),
        C("5", @"$\boxed{5}$", Equal, "a boxed gold inside dollars is opened, whatever the order of the wrappers"),
        C("5", @"\(\boxed{5}\)", Equal, "a boxed gold inside \\( \\)"),
        C(@"\frac{1}{2}", @"\[\frac{1}{2}\]", Equal, "display delimiters around the gold"),
        C("5", @"\fbox{5}", Equal, "an fbox gold"),
        C("5", "The answer is 5.", Equal, "a short sentence around the gold stands for its value"),
        C("12", "The smallest such $k$ is $12$.", Equal, "the value in a sentence, not the variable it names"),
        C("6", "The answer is 5.", NotEqual, "a sentence gold with another value"),
        C(@"\frac{3}{4}", @"The final answer is $\frac{3}{4}$", Equal, "a Minerva-style gold"),
        C("The answer is (B)", "B", Equal, "a sentence with a choice letter"),
        C(@"\boxed{\boxed{7}}", "7", Equal, "nested boxes"),

        // ---- identical strings the engine cannot read ----
        C(@"\weird{7}", @"\weird{7}", Equal, "identical text is the same answer even when unparseable"),
        C(@" \weird{7} ", @"\weird{7}", Equal, "surrounding spaces do not matter for identical text"),
        C(@"\weird{7}", @"\weird{8}", Unparseable, "different unreadable strings stay Unparseable"),
        C("@@", "@@", Equal, "punctuation only, identical"),

        // ---- labelled answers against bare ones ----
        C("(1,2)", "(p,q)=(1,2)", Equal, "a labelled tuple gold states the tuple"),
        C("(p,q)=(1,2)", "(1,2)", Equal, "a labelled tuple prediction"),
        C("(2,1)", "(p,q)=(1,2)", NotEqual, "the tuple in the other order"),
        C("x^2+1", "f(x)=x^2+1", Equal, "a function definition states its right side"),
        C("5", "AB=5", Equal, "a labelled length"),
        C(@"\overline{AB}=5", "5", Equal, "a labelled segment"),
        C("AB=5", "AB=5", Equal, "identical labelled values"),
        C("AB=5", "CD=5", NotEqual, "both sides labelled, with different labels: they state different things"),
        C("x+y=5", "5", NotEqual, "an equation is not a label with a value"),
        C("2x=10", "5", NotEqual, "a coefficient makes it an equation, not a label"),
        C("y=2x+3", "2x+3", Equal, "a variable label over an expression"),

        // ---- equality chains and approximations: the last member ----
        C("a = b = 5", "5", Equal, "the last member of an equality chain"),
        C("x = 2 + 3 = 5", "5", Equal, "working steps in a chain"),
        C("x = 2 + 3 = 6", "5", NotEqual, "a wrong last member"),
        C(@"\pi \approx 3.14", "3.14", Equal, "the approximation tail"),
        C(@"x \approx 3.14", "3.14", Equal, "a variable approximately a value"),
        C("2+3=5", "5", Equal, "a computation that states its result"),
        C(@"x = \frac{1}{2} = 0.5", @"\frac{1}{2}", Equal, "the decimal tail equals the fraction"),
        C("a = b = 5", "x = 5", Equal, "a chain against a labelled value"),

        // ---- inequalities in a canonical form ----
        C("-x>-1", "x<1", Equal, "multiplying by -1 flips the inequality"),
        C("x>1", @"(1,\infty)", Equal, "an inequality is its interval"),
        C(@"x \ge 2", @"[2, \infty)", Equal, "a closed bound"),
        C("2x+1<5", "x<2", Equal, "a linear inequality solved for x"),
        C("-2x \\le 4", "x \\ge -2", Equal, "a negative coefficient flips the direction"),
        C("-x>-1", "x>1", NotEqual, "the flip matters"),
        C("3 > x", "x < 3", Equal, "the variable on the right"),
        C(@"\frac{x}{2} < 1", "x < 2", Equal, "a fractional coefficient"),
        C("x<1", @"(-\infty, 1]", NotEqual, "open and closed ends differ"),
        C("x^2 < 1", "-1 < x < 1", NotEqual, "a quadratic inequality is not solved here; the relations differ in shape (a known miss, never a false Equal)"),

        // ---- \sum, \prod and cases ----
        C(@"\sum_{k=1}^{10} k", "55", Equal, "a finite sum is evaluated exactly"),
        C(@"\sum_{k=1}^{10} k", "56", NotEqual, "a wrong total"),
        C(@"\sum_{k=1}^{4} k^2", "30", Equal, "the summand is a power of the index"),
        C(@"\sum^{4}_{k=1} k^2", "30", Equal, "the bounds in the other order"),
        C(@"\sum_{k=0}^{3} \frac{1}{2^k}", @"\frac{15}{8}", Equal, "a geometric sum of fractions, exactly"),
        C(@"\sum_{n=1}^{3} (2n+1)", "15", Equal, "a bracketed summand"),
        C(@"\prod_{k=1}^{5} k", "120", Equal, "a finite product"),
        C(@"2\sum_{k=1}^{3} k", "12", Equal, "a sum as a factor"),
        C(@"\sum_{k=1}^{3} \sin(k)", @"\sin 1 + \sin 2 + \sin 3", Equal, "a sum evaluated numerically when its terms are not exact"),
        C(@"\sum_{k=1}^{n} k", @"\sum_{k=1}^{n} k", Equal, "identical symbolic sums"),
        C(@"\begin{cases} x & x \ge 0 \\ -x & x < 0 \end{cases}", @"\begin{cases} x & x \ge 0 \\ -x & x < 0 \end{cases}", Equal, "identical piecewise answers"),
        C(@"\begin{cases} x & \text{if } x \ge 0 \\ -x & \text{otherwise} \end{cases}", @"\begin{cases} x & x \geq 0 \\ -x & \text{else} \end{cases}", Equal, "'if' dropped; otherwise and else are one condition"),
        C(@"\begin{cases} 1 & x > 0 \\ 0 & x \le 0 \end{cases}", @"\begin{cases} 1 & x > 0 \\ 2 & x \le 0 \end{cases}", NotEqual, "a different value on one piece"),
        C(@"\begin{cases} 2x & 0 < x \\ 0 & x \le 0 \end{cases}", @"\begin{cases} 2x & x > 0 \\ 0 & x \le 0 \end{cases}", Equal, "conditions compare as intervals"),

        // ---- thousands separators ----
        C("1,234", "1234", Equal, "a valid thousands group"),
        C("0,111", "111", NotEqual, "a leading zero cannot start a thousands group: the list 0, 111"),
        C("2,74", "274", NotEqual, "a two-digit group is not a thousands group"),
        C("12,345,678", "12345678", Equal, "several valid groups"),
        C("1,2345", "12345", NotEqual, "a four-digit group is not a thousands group"),
    ];

    public static TheoryData<Case> AllCases()
    {
        var data = new TheoryData<Case>();
        foreach (var c in Cases)
        {
            data.Add(c);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllCases))]
    public void Case_table_verdicts(Case c)
    {
        var result = MathEquivalence.Compare(c.Prediction, c.Gold, MathEquivalenceTests.OptionsFor(c.Options));
        Assert.True(c.Expected == result.Verdict, $"{c.Prediction} vs {c.Gold}: expected {c.Expected} ({c.Why}), got {result.Verdict} ({result.Reason})");
        var cached = new AnswerGrader(MathEquivalenceTests.OptionsFor(c.Options)).Compare(c.Prediction, c.Gold);
        Assert.Equal(result.Verdict, cached.Verdict);
    }

    [Fact]
    public void Identical_unreadable_text_says_so()
    {
        Assert.Equal("identical text", MathEquivalence.Compare(@"\weird{7}", @"\weird{7}", GraderOptions.Default).Reason);
    }
}
