using BestOfN.Problems;
using BestOfN.Store;
using BestOfN.Verifier.Grading;
using BestOfN.Verifier.Import;

namespace BestOfN.Pipeline;

/// <summary>How shipped labels compare with our own grading against the gold answer.</summary>
/// <param name="Compared">Labelled samples whose problem has a gold answer.</param>
/// <param name="LabelOnly">Labelled correct, graded wrong.</param>
/// <param name="GradeOnly">Labelled wrong, graded correct.</param>
public sealed record LabelAgreement(long Compared, long Agree, long LabelOnly, long GradeOnly, long WithoutGold)
{
    public double AgreementRate => Compared == 0 ? double.NaN : (double)Agree / Compared;

    public static LabelAgreement Compute(RunStore store, string runId, AnswerGrader grader)
    {
        var problems = store.Problems(runId).ToDictionary(p => p.ProblemId);
        long compared = 0, agree = 0, labelOnly = 0, gradeOnly = 0, withoutGold = 0;
        foreach (var sample in store.Samples(runId))
        {
            if (sample.Label is not { } label) continue;
            var problem = problems[sample.ProblemId];
            if (problem.Gold is null) { withoutGold++; continue; }
            var graded = SampleGrading.Grade(grader, problem, sample).GradedCorrect!.Value;
            compared++;
            if (graded == label) agree++;
            else if (label) labelOnly++;
            else gradeOnly++;
        }
        return new LabelAgreement(compared, agree, labelOnly, gradeOnly, withoutGold);
    }

    /// <summary>
    /// Gives imported problems that ship no gold answer (RLHFlow's sets carry only prompts and labels) the gold of the
    /// dataset problem with the same question, compared with whitespace collapsed. Returns the problems and how many matched.
    /// </summary>
    public static (IReadOnlyList<ImportedProblem> Problems, int Matched) AttachGold(IReadOnlyList<ImportedProblem> imported, IReadOnlyList<Problem> dataset)
    {
        static string Normalize(string s) => string.Join(' ', s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        var byQuestion = dataset.GroupBy(p => Normalize(p.Question)).ToDictionary(g => g.Key, g => g.First());
        var matched = 0;
        var result = imported.Select(p =>
        {
            if (p.Gold is not null || !byQuestion.TryGetValue(Normalize(p.Prompt), out var match)) return p;
            matched++;
            var fields = new Dictionary<string, string>(match.Fields);
            foreach (var (k, v) in p.Fields) fields[k] = v;
            if (match.AlternativeGolds.Count > 0) fields[SampleGrading.AlternativeGoldsField] = System.Text.Json.JsonSerializer.Serialize(match.AlternativeGolds);
            return p with { Gold = match.GoldAnswer, Fields = fields };
        }).ToList();
        return (result, matched);
    }
}
