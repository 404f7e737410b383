using System.Diagnostics;
using System.Text;
using BestOfN.Verifier.Grading;
using Xunit.Abstractions;

namespace BestOfN.Verifier.Tests.Grading.Equivalence;

/// <summary>Random and adversarial input never escapes the public API as an exception and never outlives the time budget.</summary>
public sealed class MathEquivalenceFuzzTests(ITestOutputHelper output)
{
    private static readonly GraderOptions Options = GraderOptions.Default;

    // The budget plus slack for a shared, loaded test machine: a hang would take far longer.
    private static readonly TimeSpan Bound = Options.TimeBudget + TimeSpan.FromSeconds(2);

    private static readonly string[] Tokens =
    [
        "0", "1", "2", "9", "10", "-", "+", "*", "/", "^", "(", ")", "[", "]", "{", "}", @"\{", @"\}", ",", ".", " ", "=", "<", @"\le",
        @"\frac", @"\dfrac", @"\sqrt", @"\sqrt[3]", @"\pi", "e", "i", "x", "y", @"\infty", @"\cdot", @"\times", @"\left(", @"\right)",
        @"\pm", @"\%", "%", @"^\circ", @"\$", "$", @"\text{", @"\mbox{ cm}", @"\cup", "|", "!", "_", @"\begin{pmatrix}", @"\end{pmatrix}",
        "&", @"\\", @"\sin", @"\log", "or", "\\", "e9", "1,000", @",\!", @"\boxed{", "ки", "#### ", "The answer is ", "\u2212", "π",
    ];

    public static IEnumerable<object[]> Adversarial()
    {
        yield return ["deep parentheses", new string('(', 5000) + "1" + new string(')', 5000)];
        yield return ["deep braces", new string('{', 3000) + "1" + new string('}', 3000)];
        yield return ["power tower", @"10^{10^{10}}"];
        yield return ["taller power tower", string.Concat(Enumerable.Repeat("9^{", 40)) + "9" + new string('}', 40)];
        yield return ["flat power chain", string.Join("^", Enumerable.Repeat("9", 1500))];
        yield return ["frac tower", string.Concat(Enumerable.Repeat(@"\frac{1}{", 60)) + "2" + new string('}', 60)];
        yield return ["wide frac tower", string.Concat(Enumerable.Repeat(@"\frac{\frac{1}{2}}{", 40)) + "3" + new string('}', 40)];
        yield return ["sqrt tower", string.Concat(Enumerable.Repeat(@"\sqrt{", 200)) + "2" + new string('}', 200)];
        yield return ["bare sqrt chain", string.Concat(Enumerable.Repeat(@"\sqrt", 2000)) + "2"];
        yield return ["unbalanced open", @"\frac{1}{2" + new string('{', 100)];
        yield return ["unbalanced close", "1" + new string('}', 100)];
        yield return ["minus chain", new string('-', 4000) + "1"];
        yield return ["factorial chain", "3" + new string('!', 2000)];
        yield return ["huge factorial", "100000!"];
        yield return ["huge integer power", "99999999^99999999"];
        yield return ["huge exponent literal", "1e999999999999"];
        yield return ["huge binomial", @"\binom{100000000}{50000000}"];
        yield return ["large radicand", @"\sqrt{" + new string('7', 1500) + "}"];
        yield return ["large prime-ish radicand", @"\sqrt{1000000000000000000000000000057}"];
        yield return ["many pm", string.Join("", Enumerable.Repeat(@"1\pm", 200)) + "1"];
        yield return ["long polynomial power", "(x+y+z+w+1)^{64}"];
        yield return ["long sum", string.Join("+", Enumerable.Repeat("1", 2000))];
        yield return ["long set", @"\{" + string.Join(",", Enumerable.Range(0, 1500)) + @"\}"];
        yield return ["huge matrix", @"\begin{pmatrix}" + string.Join(@"\\", Enumerable.Repeat("1&2&3", 500)) + @"\end{pmatrix}"];
        yield return ["one megabyte of digits", new string('1', 1_000_000)];
        yield return ["one megabyte of braces", new string('{', 500_000) + new string('}', 500_000)];
        yield return ["one megabyte of frac", string.Concat(Enumerable.Repeat(@"\frac{1}{2}+", 90_000))];
        yield return ["nul and control characters", "\0\u0001\u001f1"];
        yield return ["lone surrogate", "\ud800" + "1"];
        yield return ["only backslashes", new string('\\', 999)];
        yield return ["nested text", string.Concat(Enumerable.Repeat(@"\text{", 500)) + "a" + new string('}', 500)];
        yield return ["abs bars", new string('|', 999)];
    }

    [Theory]
    [MemberData(nameof(Adversarial))]
    public void Adversarial_input_gets_a_verdict_within_the_time_budget(string name, string input)
    {
        foreach (var (prediction, gold) in new[] { (input, "1"), ("1", input), (input, input) })
        {
            var watch = Stopwatch.StartNew();
            var result = MathEquivalence.Compare(prediction, gold, Options);
            watch.Stop();
            Assert.True(watch.Elapsed < Bound, $"{name}: {watch.Elapsed.TotalMilliseconds} ms");
            Assert.False(string.IsNullOrEmpty(result.Reason), name);
        }

        var grader = new AnswerGrader(Options);
        var graded = Measure(() => grader.Grade(input, "1"), name);
        Assert.True(Enum.IsDefined(graded.Verdict));
        Measure(() => AnswerKey.Canonical(input), name);
    }

    [Fact]
    public void Parsing_a_megabyte_with_a_raised_length_limit_stays_within_the_budget()
    {
        var options = Options with { MaxAnswerLength = 1_000_000 };
        var inputs = new[]
        {
            string.Join("+", Enumerable.Repeat("12", 330_000)),
            new string('(', 400_000) + new string(')', 400_000),
            string.Concat(Enumerable.Repeat("x", 999_999)),
            string.Join("^", Enumerable.Repeat("9", 400_000)),
            string.Join("/", Enumerable.Repeat("7", 400_000)),
            "3" + new string('!', 900_000),
            string.Join(@"\pm", Enumerable.Repeat("1", 200_000)),
            new string('-', 900_000) + "1",
            new string('7', 999_999),
            "1" + new string('.', 999_999),
            string.Concat(Enumerable.Repeat(@"\text{", 100_000)) + "a" + new string('}', 100_000),
            string.Concat(Enumerable.Repeat("$.", 400_000)) + "1",
            string.Concat(Enumerable.Repeat(@"\(", 300_000)) + "1" + string.Concat(Enumerable.Repeat(@"\)", 300_000)),
        };
        foreach (var input in inputs)
        {
            var watch = Stopwatch.StartNew();
            var result = MathEquivalence.Compare(input, "1", options);
            Assert.True(watch.Elapsed < Bound, $"{watch.Elapsed.TotalMilliseconds} ms");
            output.WriteLine($"{input.Length} chars: {result.Verdict} ({result.Reason}) in {watch.Elapsed.TotalMilliseconds:0} ms");
        }
    }

    [Fact]
    public void Extraction_from_adversarial_megabyte_solutions_is_fast()
    {
        var options = ExtractionOptions.Flexible with { MaxScanLength = 2_000_000 };
        var inputs = new[]
        {
            "The answer is " + new string('$', 1_000_000),
            "The answer is " + string.Concat(Enumerable.Repeat("$.", 500_000)),
            string.Concat(Enumerable.Repeat(@"\boxed{", 140_000)),
            string.Concat(Enumerable.Repeat("answer is \n", 90_000)),
            string.Concat(Enumerable.Repeat("Final Answer:\n", 70_000)),
            new string('9', 1_000_000),
            string.Concat(Enumerable.Repeat("1,", 500_000)),
        };
        foreach (var input in inputs)
        {
            var watch = Stopwatch.StartNew();
            var result = new AnswerGrader(Options with { Extraction = options }).Grade(input, "1");
            Assert.True(watch.Elapsed < Bound, $"{input.Substring(0, 20)}: {watch.Elapsed.TotalMilliseconds} ms");
            output.WriteLine($"{input.Substring(0, 20)}: {result.Rule} {result.Verdict} in {watch.Elapsed.TotalMilliseconds:0} ms");
        }
    }

    [Fact]
    public void Random_token_soup_never_throws_and_never_exceeds_the_budget()
    {
        var random = new Random(12345);
        var verdicts = new Dictionary<Verdict, int>();
        var slowest = TimeSpan.Zero;
        for (var n = 0; n < 3000; n++)
        {
            // Half token soup, half random well-formed expressions, so that the evaluators are reached as well as the parser's errors.
            var prediction = n % 2 == 0 ? Soup(random) : Expression(random, 0);
            var gold = random.Next(3) == 0 ? Expression(random, 0) : n % 2 == 0 ? Soup(random) : "1";
            var watch = Stopwatch.StartNew();
            var result = MathEquivalence.Compare(prediction, gold, Options);
            AnswerExtractor.Extract(prediction, ExtractionOptions.Flexible);
            AnswerKey.Canonical(prediction);
            watch.Stop();
            slowest = watch.Elapsed > slowest ? watch.Elapsed : slowest;
            Assert.True(watch.Elapsed < Bound, $"'{prediction}' took {watch.Elapsed.TotalMilliseconds} ms");
            verdicts[result.Verdict] = verdicts.GetValueOrDefault(result.Verdict) + 1;
        }

        output.WriteLine(string.Join(", ", verdicts.Select(v => $"{v.Key}: {v.Value}")) + $"; slowest {slowest.TotalMilliseconds:0.0} ms");
        Assert.True(verdicts.GetValueOrDefault(Verdict.Equal) + verdicts.GetValueOrDefault(Verdict.NotEqual) > 100, "the soup should parse sometimes");
    }

    [Fact]
    public void Random_characters_never_throw()
    {
        var random = new Random(777);
        for (var n = 0; n < 3000; n++)
        {
            var chars = new char[random.Next(1, 40)];
            for (var k = 0; k < chars.Length; k++)
            {
                chars[k] = (char)random.Next(0, 0x3000);
            }

            var text = new string(chars);
            var watch = Stopwatch.StartNew();
            MathEquivalence.Compare(text, text.Length > 3 ? text.Substring(1) : "0", Options);
            AnswerKey.Canonical(text);
            Assert.True(watch.Elapsed < Bound);
        }
    }

    private static string Soup(Random random)
    {
        var builder = new StringBuilder();
        var count = random.Next(1, 25);
        for (var k = 0; k < count; k++)
        {
            builder.Append(Tokens[random.Next(Tokens.Length)]);
        }

        return builder.ToString();
    }

    private static string Expression(Random random, int depth)
    {
        if (depth > 4 || random.Next(3) == 0)
        {
            return random.Next(8) switch
            {
                0 => "x",
                1 => @"\pi",
                2 => "i",
                3 => "0",
                4 => random.Next(-5, 100).ToString(System.Globalization.CultureInfo.InvariantCulture),
                5 => "0.5",
                6 => @"\infty",
                _ => random.Next(1, 10).ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
        }

        string Next() => Expression(random, depth + 1);
        return random.Next(14) switch
        {
            0 => $"{Next()}+{Next()}",
            1 => $"{Next()}-{Next()}",
            2 => $@"{Next()}\cdot {Next()}",
            3 => $@"rac{{{Next()}}}{{{Next()}}}",
            4 => $"({Next()})^{{{Next()}}}",
            5 => $@"\sqrt{{{Next()}}}",
            6 => $@"\sqrt[3]{{{Next()}}}",
            7 => $@"\sin({Next()})",
            8 => $"({Next()}, {Next()})",
            9 => $@"\{{{Next()}, {Next()}\}}",
            10 => $@"{Next()} \pm {Next()}",
            11 => $"x = {Next()}",
            12 => $@"\ln({Next()})",
            _ => $"{Next()}/{Next()}",
        };
    }

    private static T Measure<T>(Func<T> action, string name)
    {
        var watch = Stopwatch.StartNew();
        var result = action();
        Assert.True(watch.Elapsed < Bound, $"{name}: {watch.Elapsed.TotalMilliseconds} ms");
        return result;
    }
}
