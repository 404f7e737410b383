using BestOfN.Pipeline.Experiments;

namespace BestOfN.Pipeline.Tests.Experiments.Report;

public class ExperimentReportBuilderTests
{
    [Fact]
    public void A_math_dataset_is_broken_down_by_level_and_subject_in_every_report_format()
    {
        var folder = Directory.CreateTempSubdirectory("bestofn-experiment-math").FullName;
        (string Level, string Subject)[] problems = [("Level 1", "Algebra"), ("Level 2", "Algebra"), ("Level 1", "Geometry"), ("Level 2", "Geometry"), ("Level 2", "Algebra")];
        File.WriteAllLines(Path.Combine(folder, "math.jsonl"), problems.Select((p, i) =>
            $$"""{"problem": "What is {{i}} + {{i}}?", "solution": "It is \\boxed{{{2 * i}}}.", "answer": "{{2 * i}}", "level": "{{p.Level}}", "subject": "{{p.Subject}}", "unique_id": "test/{{i}}.json"}"""));
        File.WriteAllText(Path.Combine(folder, "exp.yaml"), $$"""
            name: math-levels
            out: report
            datasets:
              math: { spec: "math:math.jsonl" }
            generators:
              tiny: { model: "{{TestModels.Tiny}}", prompt: raw, n: 2, max_tokens: 4, parallel: 2, threads: 1 }
            report: { bootstrap: 20 }
            """);

        var result = RunExperiment.Run(new ExperimentRequest(Path.Combine(folder, "exp.yaml")));

        var column = Assert.Single(Assert.Single(result.Report!.Report.Datasets).Columns);
        Assert.Equal([("level", "1", 2), ("level", "2", 3), ("subject", "Algebra", 3), ("subject", "Geometry", 2)],
            column.Base.Breakdowns.Select(b => (b.Field!, b.Group!, b.ProblemCount)));
        var html = File.ReadAllText(Path.Combine(folder, "report", "index.html"));
        Assert.Contains("data-field=\"level\"", html);
        Assert.Contains("<tr data-group=\"2\"><td>2</td><td>3</td>", html);
        var markdown = File.ReadAllText(Path.Combine(folder, "report", "report.md"));
        Assert.Contains("### tiny by subject", markdown);
        Assert.Contains("| Geometry | 2 |", markdown);
    }
}
