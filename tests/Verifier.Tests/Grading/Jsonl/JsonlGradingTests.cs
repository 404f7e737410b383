using System.Text.Json.Nodes;
using BestOfN.Verifier.Grading;

namespace BestOfN.Verifier.Tests.Grading.Jsonl;

public sealed class JsonlGradingTests
{
    private static (JsonlGradingSummary Summary, string[] Output, string[] Errors) Run(string input, JsonlGradingOptions? options = null)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        var summary = JsonlGrading.Grade(new StringReader(input), output, errors, options ?? new JsonlGradingOptions());
        return (summary, Lines(output), Lines(errors));
    }

    private static string[] Lines(StringWriter writer) => writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void Each_line_is_written_back_with_verdict_reason_extracted_answer_and_key()
    {
        var (summary, output, errors) = Run("""
            {"id": 1, "pred": "\\frac{1}{2}", "gold": "0.5"}
            {"id": 2, "pred": "3", "gold": 4}
            """);

        Assert.Empty(errors);
        Assert.Equal(2, output.Length);
        var first = JsonNode.Parse(output[0])!.AsObject();
        Assert.Equal(1, (int)first["id"]!);
        Assert.Equal("Equal", (string)first["verdict"]!);
        Assert.Equal(@"\frac{1}{2}", (string)first["extracted"]!);
        Assert.Equal("1/2", (string)first["key"]!);
        Assert.False(string.IsNullOrEmpty((string)first["reason"]!));
        Assert.Equal("NotEqual", (string)JsonNode.Parse(output[1])!["verdict"]!);
        Assert.Equal(2, summary.Graded);
        Assert.Equal(1, summary.Verdicts[Verdict.Equal]);
        Assert.Equal(1, summary.Verdicts[Verdict.NotEqual]);
    }

    [Fact]
    public void Bad_lines_are_written_back_as_invalid_with_their_number_and_reported_without_stopping_the_run()
    {
        var (summary, output, errors) = Run("""
            {"pred": "1", "gold": "1"}
            not json
            [1, 2]
            {"pred": "1"}
            {"pred": {"a": 1}, "gold": "1"}

            {"pred": "2", "gold": "2"}
            """);

        Assert.Equal(7, output.Length);
        Assert.Equal(5, summary.BadLines);
        Assert.Equal(2, summary.Graded);
        Assert.Equal(7, summary.Lines);
        Assert.Equal(["Equal", "Invalid", "Invalid", "Invalid", "Invalid", "Invalid", "Equal"], output.Select(o => (string)JsonNode.Parse(o)!["verdict"]!));
        Assert.Equal(2, (int)JsonNode.Parse(output[1])!["line"]!);
        Assert.StartsWith("invalid JSON", (string)JsonNode.Parse(output[1])!["reason"]!, StringComparison.Ordinal);
        Assert.Collection(
            errors,
            e => Assert.StartsWith("line 2: invalid JSON", e, StringComparison.Ordinal),
            e => Assert.StartsWith("line 3: not a JSON object", e, StringComparison.Ordinal),
            e => Assert.StartsWith("line 4: field 'gold' is missing", e, StringComparison.Ordinal),
            e => Assert.StartsWith("line 5: field 'pred' is not a string", e, StringComparison.Ordinal),
            e => Assert.StartsWith("line 6: blank line", e, StringComparison.Ordinal));
        Assert.Equal("graded 2 of 7 lines (5 bad): Equal 2, NotEqual 0, Unparseable 0, TimedOut 0", summary.ToSummaryLine());
    }

    [Fact]
    public void Field_names_are_configurable_and_extraction_reads_full_solutions()
    {
        var options = new JsonlGradingOptions { PredictionField = "completion", GoldField = "answer", Extract = true };
        var (summary, output, _) = Run("""
            {"completion": "We add them. The answer is $\\boxed{\\dfrac{3}{4}}$.", "answer": "0.75"}
            {"completion": "No idea.", "answer": "1"}
            """, options);

        var first = JsonNode.Parse(output[0])!;
        Assert.Equal("Equal", (string)first["verdict"]!);
        Assert.Equal(@"\dfrac{3}{4}", (string)first["extracted"]!);
        Assert.Equal("boxed", (string)first["rule"]!);
        var second = JsonNode.Parse(output[1])!;
        Assert.Equal("Unparseable", (string)second["verdict"]!);
        Assert.Equal("none", (string)second["rule"]!);
        Assert.Null(second["extracted"]);
        Assert.Equal(1, summary.Verdicts[Verdict.Unparseable]);
    }

    [Fact]
    public void Validate_lists_every_error()
    {
        var errors = new JsonlGradingOptions { PredictionField = "", GoldField = " ", Grader = GraderOptions.Default with { NumericSamplePoints = 0 } }.Validate();
        Assert.Equal(3, errors.Count);
        Assert.Single(new JsonlGradingOptions { PredictionField = "x", GoldField = "x" }.Validate());
        Assert.Equal(("pred", "gold", false), (JsonlGradingDefaults.PredictionField, JsonlGradingDefaults.GoldField, JsonlGradingDefaults.Extract));
    }

    [Theory]
    // A lone surrogate escape is replaced by U+FFFD, as a UTF-8 decoder does; the prediction is then not math.
    [InlineData("""{"pred": "\ud800", "gold": "1"}""", "Unparseable", "")]
    // A lone low surrogate in the gold: the same replacement, the same verdict.
    [InlineData("""{"pred": "1", "gold": "x\udc00"}""", "Unparseable", "")]
    // A lone surrogate in a field the grader never reads does not spoil the line.
    [InlineData("""{"pred": "1", "gold": "1", "note": "\udfff"}""", "Equal", "")]
    // A lone surrogate in a key.
    [InlineData("""{"pred": "1", "gold": "1", "\ud801": 2}""", "Equal", "")]
    // A valid pair of escapes (an emoji) is left alone.
    [InlineData("""{"pred": "1", "gold": "1", "note": "\ud83d\ude00"}""", "Equal", "")]
    // "\\ud800" is a backslash followed by text, not an escape: it reaches the grader unchanged.
    [InlineData("""{"pred": "\\ud800", "gold": "1"}""", "Unparseable", "")]
    // A backslash before an emoji is a bad escape, and the emoji's surrogate pair must stay whole on the way to the parser.
    [InlineData("""{"pred": "\😀", "gold": "1"}""", "Invalid", "invalid JSON")]
    // Which "pred" was meant is unknowable.
    [InlineData("""{"pred": "1", "gold": "1", "pred": "2"}""", "Invalid", "invalid JSON")]
    // A duplicate key in a nested object makes the whole line ambiguous JSON too.
    [InlineData("""{"pred": "1", "gold": "1", "meta": {"a": 1, "a": 1}}""", "Invalid", "invalid JSON")]
    // A bare \r is part of the line; inside JSON it is whitespace.
    [InlineData("{\"pred\": \"1\",\r \"gold\": \"1\"}", "Equal", "")]
    // The \r of a CRLF ending is dropped.
    [InlineData("{\"pred\": \"1\", \"gold\": \"2\"}\r", "NotEqual", "")]
    // A bare \r between two objects does not split the line: the text after the first object is invalid JSON.
    [InlineData("{\"pred\": \"1\", \"gold\": \"1\"}\r{\"pred\": \"1\", \"gold\": \"1\"}", "Invalid", "invalid JSON")]
    // Deeper than System.Text.Json's 64 levels.
    [InlineData("""{"pred": "1", "gold": "1", "x": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}""", "Invalid", "invalid JSON")]
    // A top-level string is JSON but not a record.
    [InlineData("\"pred\"", "Invalid", "not a JSON object")]
    // Whitespace only.
    [InlineData(" \t ", "Invalid", "blank line")]
    // A null gold is not an answer.
    [InlineData("""{"pred": "1", "gold": null}""", "Invalid", "field 'gold' is missing or null")]
    // A gold written as a JSON number with an exponent keeps its digits; 1e400 is far beyond double but exact here.
    [InlineData("""{"pred": "1e400", "gold": 1e400}""", "Equal", "")]
    public void Every_hostile_line_gets_exactly_one_output_line(string line, string verdict, string reasonStart)
    {
        var (summary, output, _) = Run(line + "\n");

        var written = Assert.Single(output);
        var record = JsonNode.Parse(written)!;
        Assert.Equal(verdict, (string)record["verdict"]!);
        Assert.StartsWith(reasonStart, (string)record["reason"]!, StringComparison.Ordinal);
        Assert.Equal(1, summary.Lines);
    }

    [Fact]
    public void Raw_lone_surrogates_in_the_text_are_replaced_not_fatal()
    {
        var (summary, output, _) = Run("{\"pred\": \"1\", \"gold\": \"1\", \"note\": \"\uD800\"}\n{\"pred\": \"\uDC00\", \"gold\": \"1\"}\n\uD800\n");

        Assert.Equal(3, output.Length);
        Assert.Equal(["Equal", "Unparseable", "Invalid"], output.Select(o => (string)JsonNode.Parse(o)!["verdict"]!));
        Assert.Equal(3, summary.Lines);
    }

    [Fact]
    public void A_line_longer_than_the_limit_is_invalid_and_the_next_line_is_still_graded()
    {
        var longLine = "{\"pred\": \"" + new string('1', 5000) + "\", \"gold\": \"1\"}";
        var (summary, output, _) = Run(longLine + "\n{\"pred\": \"2\", \"gold\": \"2\"}", new JsonlGradingOptions { MaxLineLength = 1000 });

        Assert.Equal(2, output.Length);
        Assert.Equal("line longer than 1000 characters", (string)JsonNode.Parse(output[0])!["reason"]!);
        Assert.Equal("Equal", (string)JsonNode.Parse(output[1])!["verdict"]!);
        Assert.Equal((2, 1, 1), (summary.Lines, summary.Graded, summary.BadLines));
    }

    [Theory]
    // No final newline: the last line still counts.
    [InlineData("{}", 1)]
    // One final newline ends the line; it does not start another.
    [InlineData("{}\n", 1)]
    // A blank line in the middle is a line of its own.
    [InlineData("{}\n\n{}\n", 3)]
    // CRLF endings.
    [InlineData("{}\r\n{}\r\n", 2)]
    // A bare \r is not a line break.
    [InlineData("{}\r{}\r", 1)]
    // An empty stream has no lines.
    [InlineData("", 0)]
    public void Lines_end_at_newline_only(string input, int lines)
    {
        var (summary, output, _) = Run(input);

        Assert.Equal(lines, summary.Lines);
        Assert.Equal(lines, output.Length);
    }
}
