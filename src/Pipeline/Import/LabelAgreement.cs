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

    /// <summary>Answer keys (by our grading) holding samples labelled both ways: the report splits each by label (GradeRun).</summary>
    public int SplitKeys { get; init; }

    /// <summary>The problems with such a key; <c>report --json</c> lists them.</summary>
    public int SplitKeyProblems { get; init; }

    public static LabelAgreement Compute(RunStore store, string runId, AnswerGrader grader)
    {
        var problems = store.Problems(runId).ToDictionary(p => p.ProblemId);
        long compared = 0, agree = 0, labelOnly = 0, gradeOnly = 0, withoutGold = 0;
        var labelsByKey = new Dictionary<(string Problem, string Key), (bool Correct, bool Wrong)>();
        foreach (var sample in store.Samples(runId))
        {
            if (sample.Label is not { } label) continue;
            var problem = problems[sample.ProblemId];
            var grade = SampleGrading.Grade(grader, problem, sample);
            if (grade.Key.Length > 0)
            {
                var seen = labelsByKey.GetValueOrDefault((sample.ProblemId, grade.Key));
                labelsByKey[(sample.ProblemId, grade.Key)] = (seen.Correct || label, seen.Wrong || !label);
            }
            if (grade.GradedCorrect is not { } graded) { withoutGold++; continue; }
            compared++;
            if (graded == label) agree++;
            else if (label) labelOnly++;
            else gradeOnly++;
        }
        var split = labelsByKey.Where(kv => kv.Value.Correct && kv.Value.Wrong).Select(kv => kv.Key.Problem).ToList();
        return new LabelAgreement(compared, agree, labelOnly, gradeOnly, withoutGold) { SplitKeys = split.Count, SplitKeyProblems = split.Distinct().Count() };
    }

    /// <summary>
    /// Gives imported problems that ship no gold answer (RLHFlow's sets carry only prompts and labels) the gold of the
    /// dataset problem with the same question, compared with whitespace collapsed; a prompt wrapped in a chat template or with a system
    /// prompt in front matches by the question inside it (<see cref="ChatPrompt"/>). Returns the problems and how many matched.
    /// </summary>
    public static (IReadOnlyList<ImportedProblem> Problems, int Matched) AttachGold(IReadOnlyList<ImportedProblem> imported, IReadOnlyList<Problem> dataset)
    {
        var byQuestion = dataset.GroupBy(p => ChatPrompt.Normalize(p.Question)).ToDictionary(g => g.Key, g => g.First());
        var matched = 0;
        var result = imported.Select(p =>
        {
            if (p.Gold is not null) return p;
            var match = ChatPrompt.QuestionCandidates(p.Prompt).Select(q => byQuestion.GetValueOrDefault(q)).FirstOrDefault(m => m is not null);
            if (match is null) return p;
            matched++;
            var fields = new Dictionary<string, string>(match.Fields);
            foreach (var (k, v) in p.Fields) fields[k] = v;
            if (match.AlternativeGolds.Count > 0) fields[SampleGrading.AlternativeGoldsField] = System.Text.Json.JsonSerializer.Serialize(match.AlternativeGolds);
            return p with { Gold = match.GoldAnswer, Fields = fields };
        }).ToList();
        return (result, matched);
    }
}
