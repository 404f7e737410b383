using BestOfN.Store;
using BestOfN.Verifier.Grading;
using BestOfN.Voting.Samples;

namespace BestOfN.Pipeline;

/// <summary>Grades a stored run into Voting's input: each sample graded to an answer key and a correctness flag, with its reward scores.</summary>
public static class GradeRun
{
    /// <summary>
    /// Shipped labels can disagree within one answer key (label noise, or answers our engine calls equal that the
    /// labeller did not). Voting needs one correctness per key, so such a key is split by label: the votes of each
    /// side stay together, and neither side inherits the other's correctness. Returns the votes and how many keys were split (the
    /// report counts them and lists their problems).
    /// </summary>
    internal static (VoteSample[] Votes, int SplitKeys) SplitDisagreeingKeys(VoteSample[] votes)
    {
        var mixed = votes.Where(v => !v.Abstains).GroupBy(v => v.AnswerKey)
            .Where(g => g.Select(v => v.Correct).Distinct().Count() > 1).Select(g => g.Key).ToHashSet();
        if (mixed.Count == 0) return (votes, 0);
        return (votes.Select(v => mixed.Contains(v.AnswerKey) ? v with { AnswerKey = $"{v.AnswerKey} [label={(v.Correct ? 1 : 0)}]" } : v).ToArray(), mixed.Count);
    }

    /// <summary>
    /// Reward scores come from <see cref="StoredScores"/> (every scorer of the run, or <paramref name="scores"/>). A sample the PRM could
    /// not score (no step, or truncated before its first) has no PRM score: it is never counted as a zero (voting then reports it).
    /// </summary>
    public static IReadOnlyList<ProblemSamples> Load(RunStore store, string runId, AnswerGrader grader, StoredScores? scores = null)
    {
        scores ??= StoredScores.Load(store, runId);
        var problems = store.Problems(runId);
        var byProblem = store.Samples(runId).GroupBy(s => s.ProblemId).ToDictionary(g => g.Key, g => g.ToList());
        var result = new List<ProblemSamples>(problems.Count);
        foreach (var problem in problems)
        {
            if (!byProblem.TryGetValue(problem.ProblemId, out var samples)) continue;
            if (problem.Gold is null && samples.Any(s => s.Label is null))
                throw new InvalidOperationException($"Problem {problem.ProblemId} of run {runId} has neither a gold answer nor labels: its samples cannot be scored as correct or not.");
            var votes = new VoteSample[samples.Count];
            Parallel.For(0, samples.Count, i =>
            {
                var grade = SampleGrading.Grade(grader, problem, samples[i]);
                var correct = grade.Correct!.Value;
                var prm = scores.Prm(problem.ProblemId, samples[i].Index);
                votes[i] = new VoteSample(grade.Key, correct, scores.Orm(problem.ProblemId, samples[i].Index), prm is { Count: 0 } ? null : prm);
            });
            var (split, splitKeys) = SplitDisagreeingKeys(votes);
            result.Add(new ProblemSamples(problem.ProblemId, problem.Fields, split) { SplitAnswerKeys = splitKeys });
        }
        return result;
    }
}

/// <summary>A grader from an extraction name, with the error a user can act on.</summary>
public static class Graders
{
    public static AnswerGrader ForExtraction(string extraction) =>
        new(new GraderOptions
        {
            Extraction = ExtractionOptions.FromName(extraction) ?? throw new ArgumentException($"Unknown extraction '{extraction}'; use flexible, math-strict, gsm8k-strict or multi-part."),
        });
}
