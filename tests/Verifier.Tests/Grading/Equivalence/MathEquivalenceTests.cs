using BestOfN.Verifier.Grading;
using static BestOfN.Verifier.Grading.Verdict;

namespace BestOfN.Verifier.Tests.Grading.Equivalence;

/// <summary>
/// The case table of the equivalence engine: prediction, gold, expected verdict, and why that verdict is right.
/// Leniency switches are off unless the case names one.
/// </summary>
public sealed class MathEquivalenceTests
{
    public enum Lenient
    {
        None,
        Percent,
        Degrees,
        Rounded,
        KeepUnits,
    }

    public sealed record Case(string Prediction, string Gold, Verdict Expected, string Why, Lenient Options = Lenient.None)
    {
        public override string ToString() => $"{Prediction} vs {Gold} -> {Expected}";
    }

    private static Case C(string prediction, string gold, Verdict expected, string why, Lenient options = Lenient.None) =>
        new(prediction, gold, expected, why, options);

    public static readonly Case[] Cases =
    [
        // ---- integers and signs ----
        C("42", "42", Equal, "identical integers"),
        C("42", "43", NotEqual, "different integers"),
        C("-7", "-7", Equal, "identical negative integers"),
        C("-7", "7", NotEqual, "the sign matters"),
        C("+7", "7", Equal, "a unary plus changes nothing"),
        C("007", "7", Equal, "leading zeros do not change an integer"),
        C("0", "-0", Equal, "minus zero is zero"),
        C(" 42 ", "42", Equal, "surrounding spaces are not part of the answer"),
        C("$42$", "42", Equal, "inline math delimiters are stripped"),
        C(@"\(42\)", "42", Equal, @"\( \) delimiters are stripped"),
        C(@"\[42\]", "42", Equal, @"\[ \] delimiters are stripped"),
        C(@"\boxed{42}", "42", Equal, @"an outer \boxed is opened"),
        C("42.", "42", Equal, "a sentence-ending period is not a decimal point"),
        C("-(-5)", "5", Equal, "double negation"),
        C("--5", "5", Equal, "two minus signs cancel"),
        C("123456789012345678901234567890", "123456789012345678901234567890", Equal, "big integers are exact"),
        C("123456789012345678901234567890", "123456789012345678901234567891", NotEqual, "big integers differing in the last digit: no float rounding"),
        C("2^{100}", "1267650600228229401496703205376", Equal, "2^100 computed exactly"),
        C("2^{100}+1", "1267650600228229401496703205376", NotEqual, "exact arithmetic sees the +1 a double would lose"),
        C("−3", "-3", Equal, "the Unicode minus sign is a minus"),

        // ---- decimals ----
        C("0.5", "0.5", Equal, "identical decimals"),
        C("0.50", "0.5", Equal, "trailing zeros do not change a decimal"),
        C(".5", "0.5", Equal, "a missing leading zero"),
        C("-.25", "-0.25", Equal, "negative decimal without a leading zero"),
        C("1.25", "1.3", NotEqual, "different decimals"),
        C("3.0", "3", Equal, "3.0 is the integer 3"),
        C("0.1+0.2", "0.3", Equal, "exact decimal arithmetic: no 0.30000000000000004"),
        C("0.333", @"\frac{1}{3}", NotEqual, "0.333 is not 1/3 exactly (rounding leniency is off)"),
        C("0.3333333333", @"\frac{1}{3}", NotEqual, "two rationals compare exactly, however close"),
        C("0.0000672", ".0000672", Equal, "MATH-500 writes small decimals without a leading zero"),
        C("1.000001", "1", NotEqual, "rationals are compared exactly, not within the tolerance"),
        C("2.5", @"\frac{5}{2}", Equal, "a decimal equals the fraction of the same rational"),
        C("-1.75", @"-\frac{7}{4}", Equal, "negative decimal and fraction"),
        C("0.125", @"\frac18", Equal, "1/8 as a decimal"),
        C("3.14", @"\pi", NotEqual, "a rounded decimal is not pi without the rounding switch"),
        C("10.0", "10", Equal, "trailing .0"),
        C("1.5", "1.50", Equal, "trailing zero in the gold"),
        C("0.999", "1", NotEqual, "0.999 is not 1"),
        C("1e-3", "0.001", Equal, "scientific notation with a negative exponent"),
        C("12.", "12", Equal, "a final period after an integer"),

        // ---- thousands separators ----
        C("1,234", "1234", Equal, "a comma thousands separator at the top level"),
        C("1,234,567", "1234567", Equal, "several thousands groups"),
        C(@"10,\!080", "10080", Equal, @"MATH writes thousands as ,\!"),
        C(@"11,\! 111,\! 111,\! 100", "11111111100", Equal, @",\! followed by a space"),
        C("1{,}000", "1000", Equal, "{,} thousands separator"),
        C("58,500", "58500", Equal, "GSM8K-style thousands"),
        C("1,000", "100", NotEqual, "a thousands separator is not a list"),
        C("1,23", "1,23", Equal, "identical strings are equal whatever they mean"),
        C("1,23", "123", NotEqual, "a group of two digits is a list, not thousands"),
        C(@"\$1,000", "1000", Equal, "dollar sign and thousands separator"),
        C("1 234", "1234", Equal, "a space between digit groups at the top level is a thousands separator"),
        C("(1,234)", "(1, 234)", Equal, "inside brackets a comma separates elements"),
        C(@"1\,000", "1000", Equal, "a LaTeX thin space as a thousands separator"),
        C("1 000 000", "1,000,000", Equal, "spaces as thousands separators at the top level"),
        C(@"12\,345.6", "12345.6", Equal, "thin-space thousands with decimals"),
        C("(1 000, 2)", "(1000, 2)", NotEqual, "inside brackets a space does not join numbers: 1 000 is 1 times 0"),

        // ---- scientific notation ----
        C("1.5e3", "1500", Equal, "e-notation"),
        C("1.5E3", "1500", Equal, "E-notation"),
        C(@"1.5 \times 10^{3}", "1500", Equal, "times-ten-to-the notation"),
        C(@"1.5 \cdot 10^3", "1500", Equal, "cdot-ten-to-the notation"),
        C("2e", @"2\cdot e", Equal, "a lone e after a number is Euler's number, not an exponent"),
        C("6.02e23", "602000000000000000000000", Equal, "large e-notation is exact"),
        C("1e3", "1001", NotEqual, "1000 is not 1001"),
        C(@"3\times10^{-2}", "0.03", Equal, "negative power of ten"),

        // ---- fractions ----
        C(@"\frac{1}{2}", "1/2", Equal, "LaTeX and slash fractions"),
        C(@"\dfrac{1}{2}", @"\frac{1}{2}", Equal, @"\dfrac is \frac"),
        C(@"\tfrac{1}{2}", @"\frac{1}{2}", Equal, @"\tfrac is \frac"),
        C(@"\frac12", @"\frac{1}{2}", Equal, @"\frac12 takes one digit per argument"),
        C(@"\frac 34", "0.75", Equal, @"\frac 34 with a space"),
        C(@"\frac9{19}", @"\frac{9}{19}", Equal, "mixed braced and bare arguments"),
        C(@"\frac{270}7", @"\frac{270}{7}", Equal, "bare second argument"),
        C(@"\frac{2}{4}", @"\frac{1}{2}", Equal, "not in lowest terms"),
        C(@"\frac{-1}{2}", @"-\frac{1}{2}", Equal, "the sign may sit in the numerator"),
        C(@"\frac{1}{-2}", @"-\frac{1}{2}", Equal, "the sign may sit in the denominator"),
        C(@"\frac{1}{2}", @"\frac{1}{3}", NotEqual, "different fractions"),
        C(@"\frac{1}{2}", @"\frac{2}{1}", NotEqual, "the reciprocal is different"),
        C("3/6", "1/2", Equal, "slash fraction reduced"),
        C("1/2/2", "1/4", Equal, "slashes associate to the left"),
        C(@"\frac{\frac{1}{2}}{3}", @"\frac{1}{6}", Equal, "nested fractions"),
        C(@"\frac{1}{\frac{1}{3}}", "3", Equal, "reciprocal of a fraction"),
        C(@"\cfrac{1}{2}", "0.5", Equal, @"\cfrac is a fraction"),
        C(@"\frac{10}{4}", @"\frac{5}{2}", Equal, "10/4 = 5/2"),
        C(@"\frac{3}{4}", "0.7500", Equal, "fraction against a padded decimal"),
        C(@"\frac{1}{0}", "1", Unparseable, "division by zero has no value"),
        C("4/2", "2", Equal, "a fraction that is an integer"),
        C(@"\frac{a}{b}", "a/b", Equal, "symbolic fractions in both spellings"),
        C(@"\frac{a}{b}", "b/a", NotEqual, "symbolic fraction inverted"),
        C(@"\frac{x+1}{2}", @"\frac{x}{2}+\frac{1}{2}", Equal, "a sum over a number splits"),
        C(@"-\frac{24}{25}", "-0.96", Equal, "MATH-500 gold against its decimal"),

        // ---- mixed numbers ----
        C(@"1\frac{4}{5}", @"\frac{9}{5}", Equal, "a whole number before a fraction is a mixed number"),
        C(@"137 \frac{1}{2}", "137.5", Equal, "mixed number with a space"),
        C(@"-1\frac{1}{2}", "-1.5", Equal, "negative mixed number negates the whole"),
        C(@"2\frac{1}{2}", "1", NotEqual, "2 1/2 is not the product 2 x 1/2"),
        C(@"2\frac{\pi}{3}", @"\frac{2\pi}{3}", Equal, "a non-numeric fraction after a number is a product"),
        C(@"3\frac{5}{4}", @"\frac{15}{4}", Equal, "an improper fraction after a number is a product"),
        C(@"1\dfrac{1}{3}", @"\frac43", Equal, @"mixed number with \dfrac"),
        C(@"1\frac{4}{5}", "1.8", Equal, "mixed number against a decimal"),
        C("7 3/4", "7.75", Equal, "a plain-text mixed number (PRM800K reads it the same way)"),
        C("7 3/4", @"\frac{21}{4}", NotEqual, "a plain-text mixed number is not the product 7 x 3/4"),
        C("7 5/4", @"\frac{35}{4}", Equal, "an improper fraction after a number is still a product"),
        C("7 3/4x", @"\frac{21}{4}x", Equal, "a fraction followed by a variable is a product"),

        // ---- radicals ----
        C(@"\sqrt{8}", @"2\sqrt{2}", Equal, "square factors come out of the radical"),
        C(@"\sqrt{12}", @"2\sqrt3", Equal, @"bare radicand \sqrt3"),
        C(@"\sqrt2", @"\sqrt{2}", Equal, "bare and braced radicand"),
        C(@"\sqrt{2}", "1.41421356", NotEqual, "a truncated decimal is not the radical without the rounding switch"),
        C(@"\frac{1}{\sqrt{3}}", @"\frac{\sqrt{3}}{3}", Equal, "rationalised denominator"),
        C(@"\frac{1}{\sqrt{2}+1}", @"\sqrt{2}-1", Equal, "conjugate rationalisation"),
        C(@"\sqrt{2}\sqrt{3}", @"\sqrt{6}", Equal, "product of radicals"),
        C(@"\sqrt{2}+\sqrt{3}", @"\sqrt{5}", NotEqual, "radicals do not add under the root"),
        C(@"\sqrt{50}", @"5\sqrt{2}", Equal, "50 = 25 x 2"),
        C(@"\sqrt{\frac{1}{2}}", @"\frac{\sqrt{2}}{2}", Equal, "root of a fraction"),
        C(@"\sqrt{16}", "4", Equal, "perfect square"),
        C(@"\sqrt[3]{27}", "3", Equal, "perfect cube root"),
        C(@"\sqrt[3]{-8}", "-2", Equal, "the real cube root of a negative number"),
        C(@"\sqrt[3]{2}", @"2^{1/3}", Equal, "cube root against a fractional power (numerically)"),
        C(@"\sqrt[4]{16}", "2", Equal, "fourth root"),
        C(@"\sqrt{-4}", "2i", Equal, "root of a negative number is imaginary"),
        C(@"11\sqrt2", @"\sqrt{242}", Equal, "11 sqrt 2 = sqrt 242"),
        C(@"3\sqrt{13}", @"\sqrt{117}", Equal, "3 sqrt 13 = sqrt 117"),
        C(@"1+2\sqrt{3}", @"2\sqrt{3}+1", Equal, "terms in another order"),
        C(@"\sqrt{12}+\sqrt{27}", @"5\sqrt{3}", Equal, "like radicals add"),
        C(@"\sqrt{\sqrt{16}}", "2", Equal, "nested perfect roots"),
        C(@"\sqrt{2+\sqrt{3}}", @"\frac{\sqrt{6}+\sqrt{2}}{2}", Equal, "denesting is checked numerically"),
        C(@"\sqrt{3}", @"\sqrt{2}", NotEqual, "different radicals"),
        C("sqrt(8)", @"2\sqrt{2}", Equal, "plain-text sqrt"),
        C(@"2^{1/2}", @"\sqrt{2}", Equal, "half power is the square root"),

        // ---- pi, e and i ----
        C(@"\pi", "pi", Equal, "LaTeX and plain pi"),
        C(@"2\pi", @"\pi \cdot 2", Equal, "commuted product"),
        C(@"\frac{\pi}{2}", @"0.5\pi", Equal, "pi over two"),
        C(@"\frac{20000}{\pi}", @"20000\pi^{-1}", Equal, "pi in a denominator"),
        C(@"\pi^2", @"\pi\cdot\pi", Equal, "pi squared"),
        C(@"\pi", @"\frac{22}{7}", NotEqual, "22/7 is not pi"),
        C("π", @"\pi", Equal, "the Unicode pi"),
        C(@"e^{i\pi}", "-1", Equal, "Euler's identity, numerically"),
        C("e^2", @"e\cdot e", Equal, "powers of e"),
        C(@"\mathrm{e}", "e", Equal, @"\mathrm{e} is e"),
        C("2i", "i+i", Equal, "imaginary unit arithmetic"),
        C("i^2", "-1", Equal, "i squared is -1"),
        C("-2 + 7i", "7i-2", Equal, "complex numbers in another order"),
        C("1+2i", "1-2i", NotEqual, "complex conjugates differ"),
        C(@"\frac{1}{1+i}", @"\frac{1-i}{2}", Equal, "complex reciprocal rationalised"),
        C(@"(1+i)^2", "2i", Equal, "complex square"),
        C(@"12\pi", @"37.69911184", NotEqual, "a truncated decimal against an exact multiple of pi"),
        C(@"18+2\pi", @"2\pi+18", Equal, "MATH-500 gold commuted"),

        // ---- powers ----
        C("2^10", "1024", Equal, "plain-text exponent with several digits"),
        C("2^{10}", "1024", Equal, "braced exponent"),
        C("x^{2}", "x^2", Equal, "braced and bare exponent"),
        C("2^{-1}", "0.5", Equal, "negative exponent"),
        C("4^{1/2}", "2", Equal, "fractional exponent with a perfect root"),
        C("8^{2/3}", "4", Equal, "fractional exponent p/q"),
        C("0^0", "1", Unparseable, "0^0 is left undefined"),
        C("(-2)^3", "-8", Equal, "odd power of a negative number"),
        C("-2^2", "-4", Equal, "the minus applies after the power"),
        C("(-2)^2", "4", Equal, "even power of a negative number"),
        C("2^3^2", "64", Equal, "chained exponents read left to right"),
        C("10^{10^{10}}", "1", NotEqual, "an astronomically large value is not 1, and is not computed"),
        C(@"\sqrt{" + new string('9', 40) + "}^2", new string('9', 40), Equal, "the root of a 40-digit number squared, exactly"),
        C(@"\sqrt[3]{2^{3000}}", "2^{1000}", Equal, "the exact cube root of a 3000-bit number"),
        C(@"\sqrt{2^{3000}}", "2^{1500}", Equal, "the exact square root of a 3000-bit number"),

        // ---- implicit multiplication and polynomials ----
        C("2x", "2*x", Equal, "implicit multiplication"),
        C("2x", "x2", Equal, "a number after a letter also multiplies"),
        C("xy", "yx", Equal, "products commute"),
        C("2k+2", "2(k+1)", Equal, "factored and expanded"),
        C("(a+5)(b+2)", "ab+2a+5b+10", Equal, "product of binomials expanded"),
        C("(x+1)^2", "x^2+2x+1", Equal, "square of a binomial"),
        C("(x+1)^2", "x^2+1", NotEqual, "a missing middle term"),
        C("x^3+3x-6", "3x+x^3-6", Equal, "reordered polynomial"),
        C("-13x+3", "3-13x", Equal, "reordered linear term"),
        C("p - q", "q - p", NotEqual, "subtraction does not commute"),
        C("p - q", "-(q-p)", Equal, "negated difference"),
        C("3R^2", "3 R^2", Equal, "spacing in a product"),
        C("5r^5", "5r^4", NotEqual, "different powers"),
        C(@"\frac{x^2-1}{x-1}", "x+1", Equal, "rational function simplified, numerically"),
        C(@"\frac{x^2}{x}", "x", Equal, "cancelling a power exactly"),
        C("x", "y", NotEqual, "different variables"),
        C(@"2\cdot 3", "6", Equal, "cdot product"),
        C(@"2\times 3", "6", Equal, "times product"),
        C("2 * 3 * 4", "24", Equal, "star products"),
        C(@"\alpha + \beta", @"\beta+\alpha", Equal, "Greek-letter variables"),
        C("a_1 + a_2", "a_2+a_1", Equal, "subscripted variables"),
        C("a_1", "a_2", NotEqual, "different subscripts are different variables"),
        C("6r^2-4r-24", "2(3r^2-2r-12)", Equal, "common factor taken out"),

        // ---- functions ----
        C(@"\sin^2 x + \cos^2 x", "1", Equal, "Pythagorean identity, numerically at random points"),
        C(@"\cot x", @"\frac{\cos x}{\sin x}", Equal, "cotangent identity"),
        C(@"\cot x", @"\tan x", NotEqual, "different functions"),
        C(@"\sin(\pi/6)", "1/2", Equal, "a function of a constant is evaluated numerically"),
        C(@"\sin \frac{\pi}{6}", "0.5", Equal, "function argument without parentheses"),
        C(@"\log_2 8", "3", Equal, "logarithm with a base"),
        C(@"\ln e", "1", Equal, "natural logarithm"),
        C(@"\ln(e^2)", "2", Equal, "logarithm of a power"),
        C("|-3|", "3", Equal, "absolute value bars"),
        C(@"\left|-3\right|", "3", Equal, @"\left| \right| bars"),
        C("5!", "120", Equal, "factorial"),
        C(@"\binom{5}{2}", "10", Equal, "binomial coefficient"),
        C(@"\lfloor 2.5 \rfloor", "2", Equal, "floor"),
        C(@"\lceil 2.1 \rceil", "3", Equal, "ceiling"),
        C(@"\arctan 1", @"\frac{\pi}{4}", Equal, "inverse tangent"),
        C(@"\sin^{-1} 1", @"\frac{\pi}{2}", Equal, @"\sin^{-1} is arcsin"),
        C("e^{x}", "exp(x)", Equal, "exp written both ways"),

        // ---- percent, degrees, units, money ----
        C(@"50\%", "50", Equal, "the percent sign is dropped"),
        C("50%", "50", Equal, "plain percent sign"),
        C(@"50\%", "0.5", NotEqual, "50% is not 0.5 without the percent switch"),
        C(@"50\%", "0.5", Equal, "PercentEqualsFraction lets p% equal p/100", Lenient.Percent),
        C(@"50\%", "50", Equal, "PercentEqualsFraction still accepts the bare number", Lenient.Percent),
        C(@"12.5\%", @"\frac{1}{8}", Equal, "percent as a fraction", Lenient.Percent),
        C(@"30^\circ", "30", Equal, "the degree sign is dropped"),
        C(@"30^{\circ}", "30", Equal, "braced degree sign"),
        C("30°", "30", Equal, "Unicode degree sign"),
        C(@"30^\circ", @"\frac{\pi}{6}", NotEqual, "degrees are not radians without the switch"),
        C(@"30^\circ", @"\frac{\pi}{6}", Equal, "DegreesEqualRadians converts degrees", Lenient.Degrees),
        C(@"\frac{270}7\text{ degrees}", @"\frac{270}{7}", Equal, "the word degrees is a degree mark"),
        C(@"15\mbox{ cm}^2", "15", Equal, "units in \\mbox with a power are stripped"),
        C(@"864 \mbox{ inches}^2", "864", Equal, "MATH-500 gold with square inches"),
        C(@"5.4 \text{ cents}", "5.4", Equal, "units in \\text are stripped"),
        C("18 dollars", "18", Equal, "a unit word after a number"),
        C("5 cm", "5", Equal, "an abbreviated unit"),
        C(@"\$18.90", "18.9", Equal, "dollar sign and trailing zero"),
        C(@"\$36", "36", Equal, "dollar sign"),
        C("$36", "36", Equal, "a lone dollar sign"),
        C(@"15\text{ cm}", "15", NotEqual, "with units kept, a unit against none differs", Lenient.KeepUnits),
        C(@"15\text{ cm}", @"15\text{ cm}", Equal, "with units kept, identical units", Lenient.KeepUnits),
        C(@"15\text{ cm}", @"15\text{ m}", NotEqual, "with units kept, different units differ", Lenient.KeepUnits),
        C("20 apples", "20", Equal, "a counted noun is a unit"),
        C(@"100\text{ feet}", "101", NotEqual, "units stripped, values still compared"),

        // ---- plus-minus and solution sets ----
        C(@"1 \pm \sqrt{19}", @"1+\sqrt{19}, 1-\sqrt{19}", Equal, "plus-minus is the two-element set"),
        C(@"1 \pm \sqrt{19}", @"1-\sqrt{19},1+\sqrt{19}", Equal, "the order of solutions does not matter"),
        C(@"1 \pm \sqrt{19}", @"1+\sqrt{19}", NotEqual, "one root of two is not the answer"),
        C(@"\pm 2", "2,-2", Equal, "unary plus-minus"),
        C(@"\{1\pm\sqrt{5},-2\}", @"-2, 1+\sqrt5, 1-\sqrt5", Equal, "plus-minus inside a set is flattened"),
        C(@"3 \pm 2 \sqrt{2}", @"3+2\sqrt2, 3-2\sqrt2", Equal, "MATH-500 gold with a radical"),
        C(@"x=2 \text{ or } x=3", @"\{2,3\}", Equal, "solutions joined by or"),
        C("x=2 or x=3", "2, 3", Equal, "plain-text or"),
        C("x=2, x=3", "3,2", Equal, "equations in a list"),
        C(@"x = 2 \text{ and } x = 3", "2,3", Equal, "solutions joined by and"),
        C("2, 3", "2, 3, 4", NotEqual, "a missing solution"),
        C("2, 3, 3", "2, 3", Equal, "a repeated solution is the same set"),
        C("1,-2", "-2,1", Equal, "MATH-500 solution lists are unordered"),
        C("3, 5, 7", "7,5,3", Equal, "three solutions reversed"),
        C("2", "2, 3", NotEqual, "one value against two"),

        // ---- equations ----
        C("x=5", "5", Equal, "x = 5 answers 5"),
        C("5", "x=5", Equal, "5 answers x = 5"),
        C("x = 5", "x=5", Equal, "spacing in an equation"),
        C("5 = x", "5", Equal, "the variable may stand on the right"),
        C("x=5", "6", NotEqual, "the value differs"),
        C("y = 2x + 3", "y=3+2x", Equal, "same line, terms reordered"),
        C("y = 2x + 3", "2x+3", Equal, "the right-hand side of y = ..."),
        C("y = 2x + 3", "y = 2x - 3", NotEqual, "different intercepts"),
        C("y = -2x", "y=-2x", Equal, "MATH-500 gold spacing"),
        C("5x - 7y + 11z + 4 = 0", "-5x+7y-11z-4=0", Equal, "an equation times -1 is the same plane"),
        C("5x - 7y + 11z + 4 = 0", "10x-14y+22z+8=0", Equal, "an equation times 2 is the same plane"),
        C("5x - 7y + 11z + 4 = 0", "5x-7y+11z-4=0", NotEqual, "a different constant is a parallel plane"),
        C("x+y=1", "y=1-x", Equal, "the same line written two ways"),
        C("x^2+y^2=1", "x^2+y^2=2", NotEqual, "different circles"),
        C("k = 3", "3", Equal, "any single variable on the left"),
        C(@"x \in [-2,7]", "[-2,7]", Equal, "membership in an interval is the interval"),
        C(@"x \in [-2,7]", "[-2,7)", NotEqual, "the closing bracket differs"),

        // ---- inequalities ----
        C("x > 3", @"(3, \infty)", Equal, "an inequality is its interval"),
        C(@"x \ge 3", @"[3, \infty)", Equal, "a closed lower bound"),
        C("x < 3", @"(-\infty, 3)", Equal, "an upper bound"),
        C(@"x \le 3", @"(-\infty, 3]", Equal, "a closed upper bound"),
        C("x > 3", "3 < x", Equal, "the same inequality written backwards"),
        C("x > 3", @"x \geq 3", NotEqual, "strict and non-strict differ"),
        C(@"-2 \le x < 5", "[-2,5)", Equal, "a chained inequality is a half-open interval"),
        C("x > 3", @"(4, \infty)", NotEqual, "a different bound"),
        C(@"x \leq 3", @"x \le 3", Equal, @"\leq and \le"),
        C("a > b", "b < a", Equal, "reversed relation between expressions"),

        // ---- tuples, intervals and unions ----
        C("(2,3)", "(2, 3)", Equal, "spacing in a tuple"),
        C("(2,3)", "(3,2)", NotEqual, "tuples are ordered"),
        C(@"\left( 3, \frac{\pi}{2} \right)", @"(3, \pi/2)", Equal, @"\left( \right) brackets and a fraction"),
        C(@"\left( 3, \frac{\pi}{2} \right)", @"(3, 90^\circ)", NotEqual, "degrees are not radians without the switch"),
        C("(1,-16,-4,43)", "(1, -16, -4, 43)", Equal, "a four-tuple"),
        C("(1,-16,-4,43)", "(1, -16, -4)", NotEqual, "tuples of different lengths"),
        C(@"\left( \frac{3}{2}, -13 \right)", "(1.5,-13)", Equal, "fraction against decimal inside a tuple"),
        C("2,3", "(2,3)", Equal, "a bare list is read in order against a tuple"),
        C("(1,2]", "(1,2]", Equal, "identical half-open interval"),
        C("(1,2]", "(1,2)", NotEqual, "a closed end differs from an open one"),
        C("[1,2]", "(1,2)", NotEqual, "closed and open intervals differ"),
        C(@"(-\infty, 0]", @"(-\infty,0]", Equal, "interval to minus infinity"),
        C(@"(-\infty, 0]", @"[-\infty,0]", NotEqual, "brackets at infinity differ"),
        C(@"(2,\infty)", @"(2, \infty)", Equal, "interval to infinity"),
        C(@"(2,\infty)", "(2, infinity)", Equal, "the word infinity"),
        C(@"(2,\infty)", "(2, ∞)", Equal, "the Unicode infinity"),
        C(@"(-\infty, 2) \cup (3, \infty)", @"(3,\infty)\cup(-\infty,2)", Equal, "a union in either order"),
        C(@"(-\infty, 2) \cup (3, \infty)", @"(-\infty,2)", NotEqual, "a union against one of its parts"),
        C(@"(0,9) \cup (9,36)", @"(0,9)\cup(9,36)", Equal, "MATH-500 union"),
        C(@"(2,12) \cup (12,102)", @"(12,102) \cup (2,12)", Equal, "the comma inside brackets is not a thousands separator"),
        C(@"\left(\frac{3}{5},\frac{8}{3}\right]", "(0.6, 8/3]", Equal, "half-open interval with fractions"),
        C(@"\left[ \frac{\pi^2}{8}, \frac{5 \pi^2}{4} \right]", @"[\pi^2/8, 1.25\pi^2]", Equal, "closed interval in pi squared"),
        C(@"(-\sqrt{3}, \sqrt{3})", @"(-\sqrt3,\sqrt3)", Equal, "interval with radicals"),
        C("(3,4]", "(3,4]", Equal, "MATH-500 half-open interval"),
        C("(8,-2)", "(8,-2)", Equal, "MATH-500 point"),

        // ---- sets ----
        C(@"\{1,2,3\}", @"\{3,2,1\}", Equal, "sets are unordered"),
        C(@"\{1,2,3\}", @"\{1,2\}", NotEqual, "a missing element"),
        C(@"\{1,2\}", "1, 2", Equal, "a set against a bare list"),
        C(@"\{5\}", "5", Equal, "a one-element set is its element"),
        C(@"\{1,2\}", "(1,2)", NotEqual, "a set is not a tuple"),
        C(@"\emptyset", @"\{\}", Equal, "two spellings of the empty set"),
        C(@"\emptyset", @"\{1\}", NotEqual, "empty against non-empty"),
        C(@"\left\{ 1, 2 \right\}", @"\{2,1\}", Equal, @"\left\{ \right\} braces"),
        C(@"\{\frac{1}{2}, 2\}", @"\{2, 0.5\}", Equal, "equal elements in different spellings"),
        C(@"\{x=1, x=2\}", @"\{1,2\}", Equal, "a set of equations"),
        C(@"\{1, 1, 2\}", @"\{1, 2\}", Equal, "repeated elements do not change a set"),
        C(@"\{(1,2), (3,4)\}", @"\{(3,4), (1,2)\}", Equal, "a set of points"),

        // ---- matrices and vectors ----
        C(@"\begin{pmatrix} -1 & 0 \\ 0 & -1 \end{pmatrix}", @"\begin{bmatrix}-1&0\\0&-1\end{bmatrix}", Equal, "pmatrix and bmatrix with the same entries"),
        C(@"\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}", @"\begin{pmatrix} 1 & 3 \\ 2 & 4 \end{pmatrix}", NotEqual, "a transposed matrix differs"),
        C(@"\begin{pmatrix} 1 & 2 \end{pmatrix}", @"\begin{pmatrix} 1 \\ 2 \end{pmatrix}", NotEqual, "row and column vectors have different shapes"),
        C(@"\begin{pmatrix} 1/5 \\ -18/5 \end{pmatrix}", @"\begin{pmatrix} 0.2 \\ -3.6 \end{pmatrix}", Equal, "vector entries compared as numbers"),
        C(@"\begin{pmatrix} -7 \\ 16 \\ 5 \end{pmatrix}", "(-7,16,5)", Equal, "a column vector against a tuple"),
        C(@"\begin{pmatrix} -7 \\ 16 \\ 5 \end{pmatrix}", "(-7,16)", NotEqual, "a vector against a shorter tuple"),
        C(@"\begin{pmatrix} 16/49 \\ 48/49 \\ 24/49 \end{pmatrix}", @"\begin{pmatrix} \frac{16}{49} \\ \frac{48}{49} \\ \frac{24}{49} \end{pmatrix}", Equal, "slash against frac entries"),
        C(@"\begin{pmatrix} 1 & 0 \\ 0 & 1 \end{pmatrix}", "1", NotEqual, "a matrix is not a number"),
        C(@"\begin{matrix} 1 & 2 \end{matrix}", @"\begin{pmatrix} 1 & 2 \end{pmatrix}", Equal, "matrix environments without brackets"),
        C(@"\begin{pmatrix} 1 & 2 \\ 3 \end{pmatrix}", "1", Unparseable, "ragged rows are not a matrix"),

        // ---- multiple choice and text ----
        C(@"\text{(B)}", "B", Equal, "a choice letter in text and bare"),
        C("(B)", @"\text{(B)}", Equal, "parenthesised choice"),
        C(@"\textbf{(C)}", "C", Equal, "bold choice"),
        C("B)", "B", Equal, "choice with a closing parenthesis"),
        C("(A)", "(B)", NotEqual, "different choices"),
        C("C", @"\text{(C)}", Equal, "MATH-500 gold choice"),
        C("E", @"\text{(E)}", Equal, "choice E"),
        C(@"\text{Evelyn}", "Evelyn", Equal, "a name in text and bare"),
        C("evelyn", @"\text{Evelyn}", Equal, "text answers ignore case"),
        C("Navin", @"\text{Evelyn}", NotEqual, "different names"),
        C("east", @"\text{east}", Equal, "a direction"),
        C("ellipse", @"\text{ellipse}", Equal, "a curve name"),
        C("parabola", @"\text{ellipse}", NotEqual, "a different curve"),
        C(@"\text{even}", "Even.", Equal, "text with a final period"),
        C("no solution", @"\text{No Solution}", Equal, "several words, case ignored"),
        C("no  solution", "no solution", Equal, "whitespace collapsed"),
        C("even", "odd", NotEqual, "different words"),
        C("5", @"\text{five}", NotEqual, "a number is not a word"),
        C(@"\text{5}", "5", Equal, "a number inside text is a number"),
        C(@"\mbox{Navin}", @"\text{Navin}", Equal, "mbox and text"),

        // ---- number bases ----
        C("204_5", "204", Equal, "a base subscript is dropped, the digits compare"),
        C("4210_{5}", "4210_5", Equal, "braced and bare base subscripts"),
        C("2516_8", "2516", Equal, "base 8 digits"),
        C("52_8", "42", NotEqual, "digits are compared, not converted to base ten"),

        C("0.0011_{2}", "0.0011", Equal, "a base subscript on a fraction in base two is dropped too"),

        // ---- ratios, named objects and text that is not math (MATH's full test set) ----
        C("3:1", "3:1", Equal, "identical ratios"),
        C("1:2", "2:4", Equal, "a ratio is read as its quotient"),
        C("1:2", "2:1", NotEqual, "a ratio turned around"),
        C(@"\overline{CD}", @"\overline{ CD }", Equal, "the same segment"),
        C(@"\overline{CD}", @"\overline{DC}", NotEqual, "a segment is a named object, not the product C times D"),
        C(@"\overline{CD}", "CD", NotEqual, "a segment is not the product of two variables"),
        C(@"\text{4:30 p.m.}", @"\text{4:30 p.m.}", Equal, "identical times of day"),
        C(@"\text{4:30 p.m.}", "4:30 p.m.", Equal, "h:mm with p.m. is a clock time, inside \\text or not"),
        C("90\\text{ square\nunits}", "90", Equal, "a unit broken over two lines"),

        // ---- infinity ----
        C(@"\infty", "infinity", Equal, "infinity spelled out"),
        C(@"-\infty", @"\infty", NotEqual, "minus infinity is not infinity"),
        C(@"\infty", "1000000", NotEqual, "a large number is not infinity"),

        // ---- rounding leniency ----
        C("3.14", @"\pi", Equal, "AcceptRoundedDecimals: pi rounds to 3.14", Lenient.Rounded),
        C("3.15", @"\pi", NotEqual, "AcceptRoundedDecimals: pi does not round to 3.15", Lenient.Rounded),
        C("0.33", @"\frac{1}{3}", Equal, "AcceptRoundedDecimals: 1/3 rounds to 0.33", Lenient.Rounded),
        C("0.34", @"\frac{1}{3}", NotEqual, "AcceptRoundedDecimals: 1/3 does not round to 0.34", Lenient.Rounded),
        C("1.41", @"\sqrt{2}", Equal, "AcceptRoundedDecimals: sqrt 2 rounds to 1.41", Lenient.Rounded),
        C("1", @"\frac{1}{3}", NotEqual, "AcceptRoundedDecimals: integers are not roundings", Lenient.Rounded),
        C(@"\frac13", "0.33", NotEqual, "AcceptRoundedDecimals applies to the prediction only", Lenient.Rounded),

        // ---- tolerance of numeric comparison ----
        C(@"\sin(1)", "0.8414709848", Equal, "a numeric-only value against ten digits is within 1e-6"),
        C(@"\sin(1)", "0.84", NotEqual, "two digits are outside 1e-6"),
        C(@"\sqrt{2+\sqrt{2}}", "1.847759065", Equal, "a nested radical against its decimal, numerically"),

        // ---- unparseable input ----
        C("", "5", Unparseable, "an empty prediction has no answer"),
        C("   ", "5", Unparseable, "whitespace only"),
        C("5", "", Unparseable, "an empty gold"),
        C(@"\frac{1}{2", "0.5", Unparseable, "an unbalanced brace"),
        C("(1,2", "(1,2)", Unparseable, "an unclosed bracket"),
        C(@"\foo{3}", "3", Unparseable, "an unknown command"),
        C("3 +", "3", Unparseable, "a dangling operator"),
        C("5 ** 2", "25", Unparseable, "a double star is not an operator"),
        C("@#!", "5", Unparseable, "symbols only"),
        C(@"\sqrt[x]{8}", "2", Unparseable, "a symbolic root degree is not supported"),
        C("(,)", "5", Unparseable, "empty tuple elements"),
        C(@"\begin{cases} 1 \end{cases}", "1", Unparseable, "an unsupported environment"),
        C("1...5", "5", Unparseable, "an ellipsis is not a number"),
        C(@"\frac{\sqrt{}}{2}", "1", Unparseable, "an empty radicand"),
        C("x = ", "5", Unparseable, "an equation without a right-hand side"),
        C(@"5", @"\frac{1}{2", Unparseable, "an unparseable gold is reported, not called different"),

        // ---- reported-answer spellings from model outputs ----
        C(@"\boxed{\frac{1}{2}}", "0.5", Equal, "a boxed fraction"),
        C(@"\displaystyle \frac{1}{2}", "0.5", Equal, @"\displaystyle is spacing"),
        C(@"\frac{1}{2}\,", "0.5", Equal, @"a trailing thin space"),
        C(@"\!\frac{1}{2}", "0.5", Equal, @"a leading negative space"),
        C("1/2.", "0.5", Equal, "a final period after a fraction"),
        C(@"\left(\frac{1}{2}\right)", "0.5", Equal, "parenthesised single value is grouping"),
        C("[5]", "5", Equal, "square brackets around a single value are grouping"),
        C("((((5))))", "5", Equal, "deep grouping"),
        C(@"{5}", "5", Equal, "braces around a value are grouping"),
        C(@"\frac{\sqrt{3}}{2}", @"\frac{1}{2}\sqrt{3}", Equal, "coefficient in front of the radical"),
        C(@"2 \cdot \frac{3}{4}", "1.5", Equal, "product of a number and a fraction"),
        C(@"3 \div 4", "0.75", Equal, "the division sign"),
        C("3÷4", "0.75", Equal, "the Unicode division sign"),
        C("3×4", "12", Equal, "the Unicode times sign"),
        C("2·3", "6", Equal, "the Unicode middle dot"),
        C("x≤3", @"(-\infty,3]", Equal, "the Unicode less-or-equal"),
        C("√2", @"\sqrt{2}", Equal, "the Unicode radical"),
        C("±2", "2,-2", Equal, "the Unicode plus-minus"),
        C(@"\tfrac{10}{4}", "2.5", Equal, @"\tfrac reduced"),
        C(@"-\frac{\pi}{6}", @"-\pi/6", Equal, "negative pi fraction"),
        C(@"\frac{-\pi}{6}", @"-\frac{\pi}{6}", Equal, "the sign in the numerator of a pi fraction"),
        C(@"\frac{3\sqrt{3}}{4}", @"\frac{3}{4}\sqrt3", Equal, "radical in a numerator"),
        C(@"\frac{11+9a}{20}", @"\frac{11}{20}+\frac{9a}{20}", Equal, "symbolic numerator split"),
        C(@"\frac{11+9a}{20}", @"\frac{11+9b}{20}", NotEqual, "a different variable"),
        C("The answer is 5", "5", Equal, "a short sentence around the answer stands for its value, on either side"),
        C(@"288 \pi", @"288\pi", Equal, "MATH-500 gold with spacing"),
        C(@"16 \sqrt{3}", @"\sqrt{768}", Equal, "16 sqrt 3 squared is 768"),
        C(@"70 \sqrt{2}", @"\sqrt{9800}", Equal, "70 sqrt 2 = sqrt 9800"),
        C(@"2\sqrt{113}", @"\sqrt{452}", Equal, "2 sqrt 113 = sqrt 452"),
        C(@"\frac{\sqrt{21}}{5}", @"\sqrt{\frac{21}{25}}", Equal, "root of a fraction against its simplification"),
        C(@"6 - 5i", "6-5i", Equal, "MATH-500 complex gold"),
        C("1+274i", "274i+1", Equal, "complex in another order"),
        C(@"8n^2 + 4n + 1", "1+4n+8n^2", Equal, "polynomial in n"),
        C(@"x^8 + x^7 + x^6 + x^5 + x^4 + x^3 + x^2 + x + 1", @"\frac{x^9-1}{x-1}", Equal, "geometric sum in closed form, numerically"),
        C("x^5 - x^4 + x^3 - x^2 + x - 1", "(x-1)(x^4+x^2+1)", Equal, "factored polynomial"),
        C("2000", "2,000", Equal, "thousands separator in the gold"),
        C("0.15", "15\\%", NotEqual, "0.15 is not 15 without the percent switch"),
        C("0.15", "15\\%", Equal, "with the percent switch 15% is 0.15", Lenient.Percent),
        C(@"90^\circ", @"\frac{\pi}{2}", Equal, "right angle in radians with the switch", Lenient.Degrees),
        C(@"\frac{\pi}{2}", @"90^\circ", Equal, "the switch works on the gold side too", Lenient.Degrees),
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
        var result = MathEquivalence.Compare(c.Prediction, c.Gold, OptionsFor(c.Options));
        Assert.True(result.Verdict == c.Expected, $"{c.Prediction} vs {c.Gold}: expected {c.Expected} because {c.Why}; got {result.Verdict} ({result.Reason})");
        Assert.False(string.IsNullOrWhiteSpace(result.Reason));
    }

    [Fact]
    public void Case_table_has_at_least_300_distinct_cases_each_with_a_justification()
    {
        Assert.True(Cases.Length >= 300, $"only {Cases.Length} cases");
        Assert.All(Cases, c => Assert.False(string.IsNullOrWhiteSpace(c.Why)));
        Assert.Equal(Cases.Length, Cases.Select(c => (c.Prediction, c.Gold, c.Options)).Distinct().Count());
    }

    [Fact]
    public void Case_table_covers_every_verdict_except_time_out()
    {
        Assert.Contains(Cases, c => c.Expected == Equal);
        Assert.Contains(Cases, c => c.Expected == NotEqual);
        Assert.Contains(Cases, c => c.Expected == Unparseable);
    }

    [Fact]
    public void The_grader_with_a_cache_gives_the_table_verdicts_twice()
    {
        var graders = new Dictionary<Lenient, AnswerGrader>();
        for (var round = 0; round < 2; round++)
        {
            foreach (var c in Cases)
            {
                if (!graders.TryGetValue(c.Options, out var grader))
                {
                    grader = graders[c.Options] = new AnswerGrader(OptionsFor(c.Options));
                }

                Assert.True(grader.Compare(c.Prediction, c.Gold).Verdict == c.Expected, $"round {round}: {c}");
            }
        }
    }

    internal static GraderOptions OptionsFor(Lenient options) => options switch
    {
        Lenient.Percent => GraderOptions.Default with { PercentEqualsFraction = true },
        Lenient.Degrees => GraderOptions.Default with { DegreesEqualRadians = true },
        Lenient.Rounded => GraderOptions.Default with { AcceptRoundedDecimals = true },
        Lenient.KeepUnits => GraderOptions.Default with { StripUnits = false },
        _ => GraderOptions.Default,
    };
}
