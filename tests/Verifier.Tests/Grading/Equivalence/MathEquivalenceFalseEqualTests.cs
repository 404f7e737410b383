using BestOfN.Verifier.Grading;
using static BestOfN.Verifier.Grading.Verdict;
using Case = BestOfN.Verifier.Tests.Grading.Equivalence.MathEquivalenceTests.Case;
using Lenient = BestOfN.Verifier.Tests.Grading.Equivalence.MathEquivalenceTests.Lenient;

namespace BestOfN.Verifier.Tests.Grading.Equivalence;

/// <summary>
/// Pairs that numeric comparison used to call Equal although they differ (issue 9), and their true neighbours, which
/// must stay Equal. A false Equal inflates accuracy, so where the engine cannot decide it must say so, not guess Equal.
/// </summary>
public sealed class MathEquivalenceFalseEqualTests
{
    private static Case C(string prediction, string gold, Verdict expected, string why, Lenient options = Lenient.None) =>
        new(prediction, gold, expected, why, options);

    public static readonly Case[] Cases =
    [
        // ---- functions that differ only for negative or complex arguments ----
        C("|x|", "x", NotEqual, "|x| and x differ at every negative x"),
        C("x", "|x|", NotEqual, "the same pair, gold side"),
        C(@"\sqrt{x^2}", "x", NotEqual, "the square root of x² is |x|, not x"),
        C(@"\sqrt{x^2}", "|x|", Equal, "the square root of x² is |x| for every real x"),
        C(@"\sqrt{x^2}", "-x", NotEqual, "-x is |x| only for negative x"),
        C(@"\left|x\right|", @"\sqrt{x^{2}}", Equal, "the same identity written with \\left|"),
        C(@"(x^2)^{1/2}", "x", NotEqual, "a fractional power of a square is |x|"),
        C(@"\ln(x^2)", @"2\ln x", NotEqual, "ln(x²) is defined for negative x, 2 ln x is not real there"),
        C(@"\ln(x^2)", @"2\ln|x|", Equal, "ln(x²) = 2 ln|x| for every real x ≠ 0"),
        C(@"\ln x + \ln y", @"\ln(xy)", NotEqual, "ln x + ln y = ln(xy) only when x and y are positive"),
        C(@"\sqrt{x}\sqrt{y}", @"\sqrt{xy}", NotEqual, "√x√y = √(xy) fails when both are negative"),
        C(@"\sqrt{x^4}", "x^2", Equal, "x⁴ has the non-negative square root x²"),
        C(@"\sqrt[3]{x^3}", "x", Equal, "an odd root undoes an odd power for every real x"),
        C("x^3", "(-x)^3", NotEqual, "an odd function against its reflection"),
        C("x^2", "(-x)^2", Equal, "an even function equals its reflection"),
        C(@"\frac{x^2}{x}", "x", Equal, "the removable singularity at 0 does not change the function"),
        C(@"\frac{|x|}{x}", "1", NotEqual, "the sign function is -1 for negative x"),
        C(@"x|x|", "x^2", NotEqual, "x|x| is -x² for negative x"),
        C(@"e^{\ln x}", "x", Equal, "exp undoes the principal logarithm, also for negative x"),
        C(@"\arcsin(\sin x)", "x", NotEqual, "arcsin(sin x) = x only on [-π/2, π/2]"),
        C(@"\cos(-x)", @"\cos x", Equal, "cosine is even"),
        C(@"\sin(-x)", @"\sin x", NotEqual, "sine is odd"),
        C(@"\sin(-x)", @"-\sin x", Equal, "sine is odd: the reflection is the negation"),
        C(@"\frac{1}{2}x", "0.5x", Equal, "a coefficient written two ways"),
        C("x^{0.5}", @"\sqrt{x}", Equal, "the principal square root either way, for negative x too"),

        // ---- exact values that the relative tolerance used to merge ----
        C(@"(1+10^{-100})^{10^{100}}", "1", NotEqual, "about e, far from 1: the power is taken as exp(10^100·ln(1+10^-100)) from the exact base"),
        C(@"(1+10^{-100})^{10^{100}}", "2.718281828", Equal, "a decimal approximation of the value, within the relative tolerance"),
        C(@"(1-10^{-50})^{10^{50}}", "1", NotEqual, "about 1/e, not 1"),
        C(@"2^{1/10^6}", "1", NotEqual, "2^(1e-6) = 1.00000069…: an exact algebraic value other than 1"),
        C(@"2^{1/1000000}", @"2^{1/1000000}", Equal, "identical text"),
        C("1e-400", "0", NotEqual, "a tiny positive number is not zero"),
        C("0", "1e-400", NotEqual, "the same pair, gold side"),
        C(@"10^{-15}", "0", NotEqual, "the absolute tolerance must not merge exact values"),
        C(@"\sin(10^{-20})", "0", NotEqual, "sin of a tiny non-zero number is not zero"),
        C(@"\sin(0)", "0", Equal, "sin 0 is exactly 0"),
        C(@"1+10^{-20}", "1", NotEqual, "exact rationals: the tiny term is kept"),
        C(@"\ln 2", "0.693147181", Equal, "a decimal approximation of a transcendental value, within the relative tolerance"),
        C(@"\ln 2", "0.69315", NotEqual, "five significant digits are outside the 1e-6 relative tolerance"),
        C(@"\sqrt{2}", "1.414214", NotEqual, "both exact: the decimal is another rational (AcceptRoundedDecimals is the switch for roundings)"),
        C(@"\sqrt{1000001}", "1000", NotEqual, "1000.0005 differs from 1000 by 5e-7 relative: both sides are exact, so no tolerance"),
        C(@"\pi", @"\frac{355}{113}", NotEqual, "355/113 agrees with π to 8.5e-8 relative, but both are exact and differ"),
        C(@"\ln 2", @"\log 2", Equal, "the natural logarithm written two ways"),
        C(@"\ln 2 \cdot (1+10^{-300})", @"\ln 2", NotEqual, "the common factor ln 2 cancels; 1+10^-300 is exactly not 1"),
        C(@"(1+10^{-20})\sqrt[3]{2}", @"\sqrt[3]{2}", NotEqual, "the same with the factors the other way round"),
        C(@"2\sin 1", @"\sin 1 \cdot 2", Equal, "cancelling the common factor leaves 2 against 2"),
        C(@"x(1+10^{-50})", "x", NotEqual, "a variable times a factor that is not 1"),
        C(@"\sin 1 + 10^{-100}", @"\sin 1", NotEqual, "the common term cancels; 10^-100 is not 0"),
        C(@"\ln 3 - \ln 3 + 10^{-30}", "0", NotEqual, "terms that cancel each other leave 10^-30"),
        C(@"\cos 2 + \frac{1}{3}", @"\frac{1}{3} + \cos 2", Equal, "the same terms in another order"),
        C(@"\sqrt[3]{2} + 1", @"1 + \sqrt[3]{2} + 10^{-40}", NotEqual, "a tiny extra term on the gold side"),
        C(@"\tan\frac{\pi}{4}", "1", Equal, "an exact identity: rounding error is within the error bound"),
        C(@"\cos^2 x + \sin^2 x", "1", Equal, "the Pythagorean identity at every point"),
        C(@"e^{i\pi}", "-1", Equal, "Euler's identity, evaluated in complex arithmetic"),
        C(@"\frac{1}{\sqrt{2}+\sqrt{3}+1}", @"\frac{2+\sqrt{2}-\sqrt{6}}{4}", Equal, "a rationalised denominator"),
        C(@"\sin\frac{\pi}{6}", @"\frac{1}{2}", Equal, "sin(π/6) is exactly 1/2; double rounding is within the bound"),

        // ---- degrees inside trigonometric functions ----
        C(@"\sin 90^\circ", "1", Equal, "90° is a right angle: the degree sign inside sin means degrees"),
        C(@"\sin(90^\circ)", "1", Equal, "with brackets"),
        C(@"\cos 60^{\circ}", @"\frac{1}{2}", Equal, "cos 60° = 1/2"),
        C(@"\tan 45^\circ", "1", Equal, "tan 45° = 1"),
        C(@"\sin 90^\circ", "1", Equal, "the degrees switch does not change a degree sign inside sin", Lenient.Degrees),
        C(@"\sin 90", @"\sin 90^\circ", NotEqual, "sin of 90 radians is not sin of 90 degrees"),
        C(@"\sin(30^\circ + 60^\circ)", "1", Equal, "a sum of angles in degrees"),

        // ---- clock times against ratios ----
        C("4:30", "4:30", Equal, "identical times"),
        C("4:30", "04:30", Equal, "a leading zero in the hour does not change a time"),
        C("4:30", "4:35", NotEqual, "different minutes"),
        C("4:30", @"\frac{2}{15}", NotEqual, "h:mm is a clock time, not the ratio 4/30"),
        C("2:3", @"\frac{2}{3}", Equal, "2:3 cannot be a time (one-digit minutes): it is a ratio"),
        C("6:4", "3:2", Equal, "ratios compare as quotients"),
        C("10:45", "10:45", Equal, "identical times, two-digit hour"),
        C("10:45", "10:46", NotEqual, "times a minute apart"),
        C("4:30 pm", "16:30", Equal, "pm adds twelve hours"),
        C("12:15 a.m.", "0:15", Equal, "12 am is midnight"),
        C("4:30", "270", NotEqual, "a time is not a number of minutes"),
        C("4:75", @"\frac{4}{75}", Equal, "75 cannot be minutes: the ratio reading stays"),
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
    }
}
