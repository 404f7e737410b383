using System.Globalization;
using System.Numerics;
using BestOfN.Verifier.Grading;
using FsCheck;
using FsCheck.Xunit;

namespace BestOfN.Verifier.Tests.Grading.Equivalence;

/// <summary>Properties over generated numbers: spellings of one value are equal, different values are not.</summary>
public sealed class MathEquivalencePropertyTests
{
    private static readonly GraderOptions Options = GraderOptions.Default;

    private static string S(BigInteger value) => value.ToString(CultureInfo.InvariantCulture);

    private static bool Equal(string a, string b) => MathEquivalence.Compare(a, b, Options).Verdict == Verdict.Equal;

    [Property(MaxTest = 200)]
    public bool An_integer_equals_itself_in_every_supported_spelling(long value)
    {
        var a = new BigInteger(value);
        var text = S(a);
        var spellings = new List<string>
        {
            text, $"${text}$", $@"\boxed{{{text}}}", $"({text})", $"{{{text}}}", $"{text}.0", $"x = {text}", $@"\frac{{{S(a * 3)}}}{{3}}",
            $"{S(a * 2)}/2", $@"{text}\%", $@"{text}^\circ", $@"{text} \text{{ cm}}", $@"\{{{text}\}}", $@"\left({text}\right)",
            $"{S(a - 1)}+1", $@"{S(a)}\cdot 1", $"{text}e0", $@"\dfrac{{{S(a * 7)}}}{{7}}",
        };
        if (value >= 0)
        {
            spellings.Add(value.ToString("N0", CultureInfo.InvariantCulture));
            spellings.Add($@"\sqrt{{{S(a * a)}}}");
            spellings.Add($@"\${text}");
        }

        return spellings.All(s => Equal(s, text) && Equal(text, s));
    }

    [Property(MaxTest = 200)]
    public bool Rewriting_a_fraction_in_lowest_terms_changes_nothing(int numerator, PositiveInt denominator, PositiveInt factor)
    {
        var k = factor.Get % 1000 + 1;
        var p = new BigInteger(numerator);
        var q = new BigInteger(denominator.Get);
        var unreduced = $@"\frac{{{S(p * k)}}}{{{S(q * k)}}}";
        var gcd = BigInteger.GreatestCommonDivisor(p, q);
        var lowest = $@"\frac{{{S(p / gcd)}}}{{{S(q / gcd)}}}";
        return Equal(unreduced, lowest) && AnswerKey.Canonical(unreduced) == AnswerKey.Canonical(lowest);
    }

    [Property(MaxTest = 200)]
    public bool Fractions_of_different_values_are_not_equal(int a, PositiveInt b, int c, PositiveInt d)
    {
        var equalValues = new BigInteger(a) * d.Get == new BigInteger(c) * b.Get;
        var verdict = MathEquivalence.Compare($@"\frac{{{a}}}{{{b.Get}}}", $"{c}/{d.Get}", Options).Verdict;
        return verdict == (equalValues ? Verdict.Equal : Verdict.NotEqual);
    }

    [Property(MaxTest = 200)]
    public bool A_terminating_decimal_equals_its_fraction(int mantissa, byte places)
    {
        var digits = places % 8;
        var scale = BigInteger.Pow(10, digits);
        var m = BigInteger.Abs(new BigInteger(mantissa));
        var whole = m / scale;
        var fraction = (m % scale).ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0');
        var sign = mantissa < 0 ? "-" : "";
        var decimalText = digits == 0 ? $"{sign}{whole}" : $"{sign}{whole}.{fraction}";
        var fractionText = $@"{sign}\frac{{{m}}}{{{scale}}}";
        return Equal(decimalText, fractionText) && AnswerKey.Canonical(decimalText) == AnswerKey.Canonical(fractionText);
    }

    [Property(MaxTest = 100)]
    public bool A_radical_equals_its_simplified_form(PositiveInt outside, PositiveInt inside)
    {
        var s = outside.Get % 50 + 1;
        var r = new[] { 2, 3, 5, 6, 7, 10, 11, 13, 14, 15 }[inside.Get % 10];
        var simplified = $@"{s}\sqrt{{{r}}}";
        var unsimplified = $@"\sqrt{{{s * s * r}}}";
        return Equal(unsimplified, simplified) && AnswerKey.Canonical(unsimplified) == AnswerKey.Canonical(simplified);
    }

    [Property(MaxTest = 100)]
    public bool Sets_ignore_order_and_tuples_do_not(int[] values)
    {
        var items = values.Take(6).Distinct().Select(v => v.ToString(CultureInfo.InvariantCulture)).ToArray();
        if (items.Length < 2)
        {
            return true;
        }

        var reversed = items.Reverse().ToArray();
        var set = @"\{" + string.Join(",", items) + @"\}";
        var reversedSet = @"\{" + string.Join(",", reversed) + @"\}";
        var tuple = "(" + string.Join(",", items) + ")";
        var reversedTuple = "(" + string.Join(",", reversed) + ")";
        return Equal(set, reversedSet)
            && AnswerKey.Canonical(set) == AnswerKey.Canonical(reversedSet)
            && MathEquivalence.Compare(tuple, reversedTuple, Options).Verdict == Verdict.NotEqual;
    }

    [Property(MaxTest = 200)]
    public bool The_verdict_between_two_rationals_does_not_depend_on_the_order(int a, PositiveInt b, int c, PositiveInt d)
    {
        var x = $@"\frac{{{a}}}{{{b.Get}}}";
        var y = $"{c}/{d.Get}";
        return MathEquivalence.Compare(x, y, Options).Verdict == MathEquivalence.Compare(y, x, Options).Verdict;
    }

    [Property(MaxTest = 100)]
    public bool Polynomials_equal_their_expansion(sbyte a, sbyte b)
    {
        var factored = $"(x+{a})(x+{b})".Replace("+-", "-", StringComparison.Ordinal);
        var expanded = $"x^2+{a + b}x+{a * b}".Replace("+-", "-", StringComparison.Ordinal);
        var wrong = $"x^2+{a + b}x+{a * b + 1}".Replace("+-", "-", StringComparison.Ordinal);
        return Equal(factored, expanded) && MathEquivalence.Compare(factored, wrong, Options).Verdict == Verdict.NotEqual;
    }
}
