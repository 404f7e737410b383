using BestOfN.Verifier.Grading;
using BestOfN.Voting.Samples;

namespace BestOfN.Store;

/// <summary>Turns a stored run into Voting's input: each sample graded to an answer key and a correctness flag.</summary>
public static class StoredVotingInput
{
    /// <summary>
    /// Shipped labels can disagree within one answer key (label noise, or answers our engine calls equal that the
    /// labeller did not). Voting needs one correctness per key, so such a key is split by label: the votes of each
    /// side stay together, and neither side inherits the other's correctness.
    /// </summary>
    internal static VoteSample[] SplitDisagreeingKeys(VoteSample[] votes)
    {
        var mixed = votes.Where(v => !v.Abstains).GroupBy(v => v.AnswerKey)
            .Where(g => g.Select(v => v.Correct).Distinct().Count() > 1).Select(g => g.Key).ToHashSet();
        if (mixed.Count == 0) return votes;
        return votes.Select(v => mixed.Contains(v.AnswerKey) ? v with { AnswerKey = $"{v.AnswerKey} [label={(v.Correct ? 1 : 0)}]" } : v).ToArray();
    }

    /// <param name="scores">Reward scores per (problem, index), when the run has been scored; null leaves them out.</param>
    public static IReadOnlyList<ProblemSamples> Load(RunStore store, string runId, AnswerGrader grader,
        Func<string, int, (double? Orm, IReadOnlyList<double>? Prm)>? scores = null)
    {
        var problems = store.Problems(runId);
        var byProblem = store.Samples(runId).GroupBy(s => s.ProblemId).ToDictionary(g => g.Key, g => g.ToList());
        var result = new List<ProblemSamples>(problems.Count);
        foreach (var problem in problems)
        {
            if (!byProblem.TryGetValue(problem.ProblemId, out var samples)) continue;
            var votes = new VoteSample[samples.Count];
            Parallel.For(0, samples.Count, i =>
            {
                var grade = SampleGrading.Grade(grader, problem, samples[i]);
                if (grade.Correct is not { } correct)
                    throw new InvalidOperationException($"Problem {problem.ProblemId} of run {runId} has neither a gold answer nor labels: its samples cannot be scored as correct or not.");
                var (orm, prm) = scores?.Invoke(problem.ProblemId, samples[i].Index) ?? (null, null);
                votes[i] = new VoteSample(grade.Key, correct, orm, prm);
            });
            result.Add(new ProblemSamples(problem.ProblemId, problem.Fields, SplitDisagreeingKeys(votes)));
        }
        return result;
    }
}
