using System.Text;
using System.Text.Json.Nodes;
using BestOfN.Verifier.Grading;
using Xunit.Abstractions;

namespace BestOfN.Verifier.Tests.Grading.Jsonl;

/// <summary>
/// No input line can stop <c>grade</c>: generated hostile lines go through the same path as a file (bytes, a UTF-8
/// <see cref="StreamReader"/>, the grader), and every one must come back as exactly one output line, with no exception
/// escaping and none caught as an internal error.
/// </summary>
public sealed class JsonlGradingFuzzTests(ITestOutputHelper output)
{
    private const int ShortLines = 1_000_000;

    [Fact]
    public void A_million_generated_lines_and_three_10_MB_lines_give_one_output_line_each()
    {
        var random = new Random(9);
        using var input = new MemoryStream();
        var generated = 0;
        for (var i = 0; i < ShortLines; i++)
        {
            WriteLine(input, GenerateLine(random));
            generated++;
            if (i % 333_333 == 0)
            {
                WriteLine(input, HugeLine(random, i / 333_333));
                generated++;
            }
        }

        input.Position = 0;
        var outputLines = new OutputChecker();
        var errors = new StringWriter();
        using var reader = new StreamReader(input, new UTF8Encoding(false, throwOnInvalidBytes: false));

        var summary = JsonlGrading.Grade(reader, outputLines, errors, new JsonlGradingOptions());

        output.WriteLine(summary.ToSummaryLine());
        Assert.Equal(generated, summary.Lines);
        Assert.Equal(generated, outputLines.Lines);
        Assert.Equal(0, outputLines.NotJsonObjects);
        AssertNoInternalErrors(errors);
        Assert.True(summary.Graded > ShortLines / 10 && summary.BadLines > ShortLines / 10, summary.ToSummaryLine());
    }

    [Fact]
    public void Lines_of_random_UTF_16_with_raw_lone_surrogates_give_one_output_line_each()
    {
        var random = new Random(10);
        var text = new StringBuilder();
        const int Lines = 20_000;
        for (var i = 0; i < Lines; i++)
        {
            var pred = RandomUtf16(random, random.Next(0, 24));
            text.Append(i % 2 == 0 ? $"{{\"pred\": \"{pred}\", \"gold\": \"{RandomUtf16(random, 3)}\"}}" : pred).Append('\n');
        }

        var outputLines = new OutputChecker();
        var errors = new StringWriter();

        var summary = JsonlGrading.Grade(new StringReader(text.ToString()), outputLines, errors, new JsonlGradingOptions { Extract = true });

        Assert.Equal(Lines, summary.Lines);
        Assert.Equal(Lines, outputLines.Lines);
        Assert.Equal(0, outputLines.NotJsonObjects);
        AssertNoInternalErrors(errors);
    }

    private static void AssertNoInternalErrors(StringWriter errors)
    {
        var internalErrors = errors.ToString().Split('\n').Where(e => e.Contains("internal error", StringComparison.Ordinal)).ToList();
        Assert.True(internalErrors.Count == 0, $"{internalErrors.Count} internal errors, first: " + string.Join("\n", internalErrors.Take(5)));
    }

    private static void WriteLine(MemoryStream stream, byte[] line)
    {
        stream.Write(line);
        stream.WriteByte((byte)'\n');
    }

    private static readonly string[] MathPieces =
    [
        "1", "2", "0", "9", "x", "y", "+", "-", "*", "/", "^", "(", ")", "{", "}", "[", "]", ",", ".", "=", "<", "\\\\frac", "\\\\sqrt",
        "\\\\pi", "\\\\boxed{", "\\\\left(", "\\\\right)", "e", "%", " ", "\\\\circ", "\\\\infty", "\\\\text{cm}", ":", "|", "!",
    ];

    /// <summary>One short line: a JSON pair of math-like answers, hostile JSON, or raw bytes, each kind as often as the others.</summary>
    private static byte[] GenerateLine(Random random)
    {
        switch (random.Next(10))
        {
            case 0:
            case 1:
                {
                    var pred = MathLike(random);
                    var gold = random.Next(3) == 0 ? pred : MathLike(random);
                    return Encoding.UTF8.GetBytes($"{{\"id\": {random.Next()}, \"pred\": \"{pred}\", \"gold\": \"{gold}\"}}");
                }

            case 2:
                // Escapes with random code units: lone surrogates, pairs, controls, and broken escapes.
                return Encoding.UTF8.GetBytes($"{{\"pred\": \"{RandomEscapes(random)}\", \"gold\": \"{RandomEscapes(random)}\", \"{RandomEscapes(random)}\": 1}}");
            case 3:
                return Encoding.UTF8.GetBytes(random.Next(2) == 0
                    ? "{\"pred\": \"1\", \"gold\": \"1\", \"pred\": \"2\"}"
                    : $"{{\"pred\": \"{random.Next(10)}\", \"gold\": \"1\", \"m\": {{\"k\": 1, \"k\": {random.Next(10)}}}}}");
            case 4:
                {
                    var depth = random.Next(1, 200);
                    var open = random.Next(2) == 0 ? "[" : "{\"a\":";
                    var close = open == "[" ? "]" : "}";
                    return Encoding.UTF8.GetBytes("{\"pred\": \"1\", \"gold\": \"1\", \"x\": " + string.Concat(Enumerable.Repeat(open, depth)) + "1" + string.Concat(Enumerable.Repeat(close, depth)) + "}");
                }

            case 5:
                {
                    // Invalid UTF-8: stray continuation bytes, truncated sequences, overlong forms, 0xFF.
                    var bytes = new byte[random.Next(0, 40)];
                    random.NextBytes(bytes);
                    for (var i = 0; i < bytes.Length; i++)
                    {
                        if (bytes[i] == (byte)'\n')
                        {
                            bytes[i] = 0xC0;
                        }
                    }

                    return random.Next(2) == 0 ? bytes : [.. "{\"pred\": \""u8, .. bytes, .. "\", \"gold\": \"1\"}"u8];
                }

            case 6:
                return Encoding.UTF8.GetBytes(random.Next(2) == 0
                    ? $"{{\"pred\": \"{random.Next(100)}\",\r\"gold\": \"{random.Next(100)}\"}}\r"
                    : "\r\r{\"pred\": \"1\"}\r{\"gold\": \"1\"}");
            case 7:
                return Encoding.UTF8.GetBytes(RandomUtf16(random, random.Next(0, 30)));
            case 8:
                // Valid JSON, wrong shapes: arrays, scalars, numbers as answers, nulls, nested objects.
                return Encoding.UTF8.GetBytes(random.Next(6) switch
                {
                    0 => "[1, 2, 3]",
                    1 => "null",
                    2 => $"{{\"pred\": {random.Next()}, \"gold\": {random.NextDouble() * 1e300}}}",
                    3 => "{\"pred\": null, \"gold\": \"1\"}",
                    4 => "{\"pred\": {\"a\": 1}, \"gold\": [1]}",
                    _ => $"{{\"pred\": \"{random.Next(5)}\", \"gold\": {random.Next(5)}e{random.Next(-400, 400)}}}",
                });
            default:
                {
                    // Solutions to extract from; the Extract switch is off here, so the whole text is the prediction.
                    var n = random.Next(1000);
                    return Encoding.UTF8.GetBytes($"{{\"pred\": \"So the total is $\\\\boxed{{{n}}}$. {MathLike(random)}\", \"gold\": \"{n}\"}}");
                }
        }
    }

    /// <summary>The three huge lines: a 10 MB prediction, 10 MB of brackets, and 10 MB of random bytes.</summary>
    private static byte[] HugeLine(Random random, int kind)
    {
        const int Size = 10 * 1024 * 1024;
        switch (kind)
        {
            case 0:
                return Encoding.UTF8.GetBytes("{\"pred\": \"" + new string('9', Size) + "\", \"gold\": \"9\"}");
            case 1:
                return Encoding.UTF8.GetBytes(new string('[', Size));
            default:
                {
                    var bytes = new byte[Size];
                    random.NextBytes(bytes);
                    for (var i = 0; i < bytes.Length; i++)
                    {
                        if (bytes[i] == (byte)'\n')
                        {
                            bytes[i] = (byte)'\r';
                        }
                    }

                    return bytes;
                }
        }
    }

    private static string MathLike(Random random)
    {
        var text = new StringBuilder();
        var pieces = random.Next(1, 12);
        for (var i = 0; i < pieces; i++)
        {
            text.Append(MathPieces[random.Next(MathPieces.Length)]);
        }

        return text.ToString();
    }

    private static string RandomEscapes(Random random)
    {
        var text = new StringBuilder();
        var count = random.Next(0, 6);
        for (var i = 0; i < count; i++)
        {
            text.Append(random.Next(4) switch
            {
                0 => $"\\u{random.Next(0xD800, 0xE000):x4}",
                1 => $"\\u{random.Next(0x10000):X4}",
                2 => "\\u12",
                _ => ((char)random.Next('a', 'z' + 1)).ToString(),
            });
        }

        return text.ToString();
    }

    private static string RandomUtf16(Random random, int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            var c = (char)random.Next(0x10000);
            chars[i] = c == '\n' ? '\r' : c;
        }

        return new string(chars);
    }

    /// <summary>Counts the lines written and checks that each is a JSON object with a verdict, without keeping them.</summary>
    private sealed class OutputChecker : TextWriter
    {
        public int Lines { get; private set; }

        public int NotJsonObjects { get; private set; }

        public override Encoding Encoding => Encoding.UTF8;

        public override void WriteLine(string? value)
        {
            Lines++;
            // Parsing every output line would double the run time: check the cheap shape of each and parse a sample.
            if (value is null || !value.StartsWith('{') || !value.Contains("\"verdict\":", StringComparison.Ordinal)
                || (Lines % 101 == 0 && JsonNode.Parse(value)?["verdict"] is null))
            {
                NotJsonObjects++;
            }
        }

        public override void Write(char value) => throw new InvalidOperationException("grade writes whole lines only");
    }
}
