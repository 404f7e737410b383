using System.Text.Json.Nodes;
using BestOfN.Verifier.Grading;

namespace BestOfN.Verifier.Tests.Grading;

public sealed class JsonlGradingTests
{
    private static (JsonlGradingSummary Summary, string[] Output, string[] Errors) Run(string input, JsonlGradingOptions? options = null)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        var summary = JsonlGrading.Grade(new StringReader(input), output, errors, options ?? new JsonlGradingOptions());
        return (summary, Lines(output), Lines(errors));
    }

    private static string[] Lines(StringWriter writer) => writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

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
    public void Bad_lines_are_reported_with_their_number_and_skipped_without_stopping_the_run()
    {
        var (summary, output, errors) = Run("""
            {"pred": "1", "gold": "1"}
            not json
            [1, 2]
            {"pred": "1"}
            {"pred": {"a": 1}, "gold": "1"}

            {"pred": "2", "gold": "2"}
            """);

        Assert.Equal(2, output.Length);
        Assert.Equal(4, summary.BadLines);
        Assert.Equal(2, summary.Graded);
        Assert.Equal(7, summary.Lines);
        Assert.Collection(
            errors,
            e => Assert.StartsWith("line 2: invalid JSON", e, StringComparison.Ordinal),
            e => Assert.StartsWith("line 3: not a JSON object", e, StringComparison.Ordinal),
            e => Assert.StartsWith("line 4: field 'gold' is missing", e, StringComparison.Ordinal),
            e => Assert.StartsWith("line 5: field 'pred' is not a string", e, StringComparison.Ordinal));
        Assert.Equal("graded 2 of 7 lines (4 bad): Equal 2, NotEqual 0, Unparseable 0, TimedOut 0", summary.ToSummaryLine());
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
}
