using System.Text.Json;
using BestOfN.Store;
using BestOfN.Verifier.Grading;

namespace BestOfN.Pipeline;

/// <summary>A stored sample's grade: its extracted answer, canonical key, and correctness.</summary>
/// <param name="Key">The canonical answer key for voting; empty when no answer was found.</param>
/// <param name="Correct">The shipped label when the sample has one (imported sets), else the verdict against the gold; null with neither.</param>
/// <param name="GradedCorrect">The verdict against the gold alone, null without a gold: compared with the label to report disagreement.</param>
public sealed record SampleGrade(string Key, string? ExtractedAnswer, string Rule, Verdict? Verdict, string? Reason, bool? Correct, bool? GradedCorrect);

/// <summary>Grades stored samples against their problem's gold answer and its alternatives.</summary>
public static class SampleGrading
{
    /// <summary>The problem field that holds other accepted answers, as a JSON list.</summary>
    public const string AlternativeGoldsField = "alternative_golds";

    public static SampleGrade Grade(AnswerGrader grader, StoredProblem problem, StoredSample sample)
    {
        if (problem.Gold is null)
        {
            var extraction = AnswerExtractor.Extract(sample.Text, grader.Options.Extraction);
            var key = extraction.Answer is null ? "" : grader.Key(extraction.Answer);
            return new SampleGrade(key, extraction.Answer, extraction.Rule, null, null, sample.Label, null);
        }
        var graded = grader.Grade(sample.Text, problem.Gold);
        foreach (var alternative in AlternativeGolds(problem))
        {
            if (graded.Verdict == Verdict.Equal) break;
            var other = grader.Grade(sample.Text, alternative);
            if (other.Verdict == Verdict.Equal) graded = other;
        }
        var correct = graded.Verdict == Verdict.Equal;
        return new SampleGrade(graded.Key ?? "", graded.ExtractedAnswer, graded.Rule, graded.Verdict, graded.Reason, sample.Label ?? correct, correct);
    }

    public static IReadOnlyList<string> AlternativeGolds(StoredProblem problem) =>
        problem.Fields.TryGetValue(AlternativeGoldsField, out var json) ? JsonSerializer.Deserialize<List<string>>(json) ?? [] : [];
}

/// <summary>Export columns from grading: answer (the canonical key), extracted_answer, extraction_rule, verdict, correct.</summary>
public sealed class GradeColumns(AnswerGrader grader) : IExportColumns
{
    public IReadOnlyCollection<string> Names { get; } = ["answer", "extracted_answer", "extraction_rule", "verdict", "correct"];

    public void BeginRun(RunInfo run) { }

    public void Write(StoredProblem problem, StoredSample sample, Utf8JsonWriter json)
    {
        var grade = SampleGrading.Grade(grader, problem, sample);
        json.WriteString("answer", grade.Key);
        json.WriteString("extracted_answer", grade.ExtractedAnswer);
        json.WriteString("extraction_rule", grade.Rule);
        if (grade.Verdict is { } verdict) json.WriteString("verdict", verdict.ToString());
        if (grade.Correct is { } correct) json.WriteBoolean("correct", correct);
    }
}
