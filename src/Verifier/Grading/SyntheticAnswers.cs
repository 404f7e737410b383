using System.Globalization;

namespace BestOfN.Verifier.Grading;

/// <summary>One synthetic sample: an answer string, its gold, and whether the generator meant it to equal the gold.</summary>
public readonly record struct SyntheticAnswer(string Answer, string Gold, bool MeantEqual);

/// <summary>
/// A synthetic best-of-N answer dump for benchmarks: per problem a gold of a realistic kind (integers, money, fractions,
/// decimals, radicals, multiples of pi, tuples, intervals, solution sets, polynomials, choices, text, matrices, degrees)
/// and a small pool of answers (other spellings of the gold and wrong values) that samples draw from with a skew, as
/// a model's N samples do. Deterministic in the seed.
/// </summary>
public static class SyntheticAnswers
{
    public static IReadOnlyList<SyntheticAnswer> Generate(int problems, int samplesPerProblem, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(problems);
        ArgumentOutOfRangeException.ThrowIfNegative(samplesPerProblem);
        var random = new Random(seed);
        var result = new List<SyntheticAnswer>(problems * samplesPerProblem);
        for (var p = 0; p < problems; p++)
        {
            var kind = random.Next(Kinds);
            var (gold, right) = Spellings(kind, random, wrong: false);
            var pool = new List<(string Answer, bool Equal)>();
            foreach (var spelling in right)
            {
                pool.Add((spelling, true));
            }

            var wrongCount = random.Next(2, 12);
            for (var w = 0; w < wrongCount; w++)
            {
                var (wrongGold, wrongSpellings) = Spellings(kind, random, wrong: true);
                if (wrongGold != gold)
                {
                    pool.Add((wrongSpellings[random.Next(wrongSpellings.Count)], false));
                }
            }

            for (var s = 0; s < samplesPerProblem; s++)
            {
                // Skewed towards the front of the pool: the right answer in a few spellings dominates, wrong ones trail.
                var index = (int)(pool.Count * Math.Pow(random.NextDouble(), 2.2));
                var (answer, equal) = pool[Math.Min(index, pool.Count - 1)];
                result.Add(new SyntheticAnswer(answer, gold, equal));
            }
        }

        return result;
    }

    private const int Kinds = 14;

    private static (int P, int Q) Reduced(int p, int q)
    {
        var gcd = (int)System.Numerics.BigInteger.GreatestCommonDivisor(p, q);
        return (p / gcd, q / gcd);
    }

    private static string I(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A gold and spellings of it; with <paramref name="wrong"/> the values are redrawn, so they are (almost always) different.</summary>
    private static (string Gold, List<string> Spellings) Spellings(int kind, Random random, bool wrong)
    {
        _ = wrong;
        switch (kind)
        {
            case 0:
                {
                    var n = random.Next(0, 2000);
                    return (I(n), [I(n), $"{n}.0", $@"\boxed{{{n}}}", $"x = {n}", $@"{n} \text{{ dollars}}"]);
                }

            case 1:
                {
                    var n = random.Next(1000, 2_000_000);
                    var grouped = n.ToString("N0", CultureInfo.InvariantCulture);
                    return (I(n), [I(n), grouped, @"\$" + grouped, grouped.Replace(",", @",\!", StringComparison.Ordinal)]);
                }

            case 2:
                {
                    var q = random.Next(2, 60);
                    var p = random.Next(1, 3 * q);
                    var k = random.Next(2, 5);
                    (p, q) = Reduced(p, q);
                    return ($@"\frac{{{p}}}{{{q}}}", [$@"\frac{{{p}}}{{{q}}}", $@"\dfrac{{{p}}}{{{q}}}", $"{p}/{q}", $@"\frac{{{p * k}}}{{{q * k}}}"]);
                }

            case 3:
                {
                    var cents = random.Next(1, 100_000);
                    var text = (cents / 100m).ToString("0.00", CultureInfo.InvariantCulture);
                    return (text, [text, text.TrimEnd('0').TrimEnd('.'), @"\$" + text, $@"\frac{{{cents}}}{{100}}"]);
                }

            case 4:
                {
                    var s = random.Next(2, 20);
                    var r = new[] { 2, 3, 5, 6, 7, 10, 11, 13 }[random.Next(8)];
                    return ($@"{s}\sqrt{{{r}}}", [$@"{s}\sqrt{{{r}}}", $@"\sqrt{{{s * s * r}}}", $@"{s} \sqrt{{ {r} }}", r < 10 ? $@"{s}\sqrt{r}" : $@"{s}\cdot\sqrt{{{r}}}"]);
                }

            case 5:
                {
                    var (a, b) = Reduced(random.Next(1, 20), random.Next(2, 13));
                    return ($@"\frac{{{a}\pi}}{{{b}}}", [$@"\frac{{{a}\pi}}{{{b}}}", $@"\frac{{{a}}}{{{b}}}\pi", $@"{a}\pi/{b}", $@"\dfrac{{{a} \pi}}{{{b}}}"]);
                }

            case 6:
                {
                    var a = random.Next(-20, 20);
                    var b = random.Next(-20, 20);
                    return ($"({a},{b})", [$"({a},{b})", $"({a}, {b})", $@"\left( {a}, {b} \right)", $"{a}, {b}"]);
                }

            case 7:
                {
                    var a = random.Next(-20, 20);
                    return ($@"({a},\infty)", [$@"({a},\infty)", $@"({a}, \infty)", $"x > {a}", $@"\left({a}, \infty\right)"]);
                }

            case 8:
                {
                    var a = random.Next(-20, 0);
                    var b = random.Next(1, 20);
                    return ($"{a}, {b}", [$"{a}, {b}", $"{b}, {a}", $@"\{{{a}, {b}\}}", $@"x = {a} \text{{ or }} x = {b}"]);
                }

            case 9:
                {
                    var a = random.Next(1, 9);
                    var b = random.Next(1, 9);
                    return ($"x^2+{a + b}x+{a * b}", [$"x^2+{a + b}x+{a * b}", $"(x+{a})(x+{b})", $"x^2 + {a + b}x + {a * b}", $"{a * b}+{a + b}x+x^2"]);
                }

            case 10:
                {
                    var letter = (char)('A' + random.Next(5));
                    return ($@"\text{{({letter})}}", [$@"\text{{({letter})}}", $"({letter})", $"{letter}", $@"\textbf{{({letter})}}"]);
                }

            case 11:
                {
                    var word = new[] { "even", "odd", "neither", "east", "west", "ellipse", "parabola", "Evelyn", "Navin" }[random.Next(9)];
                    return ($@"\text{{{word}}}", [$@"\text{{{word}}}", word, word.ToLowerInvariant(), $@"\mbox{{{word}}}"]);
                }

            case 12:
                {
                    var a = random.Next(-9, 10);
                    var b = random.Next(-9, 10);
                    return ($@"\begin{{pmatrix}} {a} \\ {b} \end{{pmatrix}}", [$@"\begin{{pmatrix}} {a} \\ {b} \end{{pmatrix}}", $@"\begin{{pmatrix}}{a}\\{b}\end{{pmatrix}}", $"({a}, {b})", $@"\begin{{bmatrix}} {a} \\ {b} \end{{bmatrix}}"]);
                }

            default:
                {
                    var d = random.Next(1, 36) * 5;
                    return ($@"{d}^\circ", [$@"{d}^\circ", I(d), $@"{d}^{{\circ}}", $@"{d} \text{{ degrees}}"]);
                }
        }
    }
}
