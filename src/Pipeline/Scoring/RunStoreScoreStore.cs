using BestOfN.Store;
using BestOfN.Verifier.Scoring;

namespace BestOfN.Pipeline;

/// <summary>Feeds a scoring job from a run's stored samples and writes its scores beside them.</summary>
public sealed class RunStoreScoreStore(RunStore store, string runId, string scorerId, IReadOnlySet<string>? problemIds = null) : IScoreStore
{
    public IReadOnlyList<ScoringProblem> Problems()
    {
        var answers = store.Samples(runId).GroupBy(s => s.ProblemId).ToDictionary(g => g.Key, g => g.Select(s => new ScoringAnswer(s.Index, s.Text)).ToList());
        return store.Problems(runId)
            .Where(p => problemIds is null || problemIds.Contains(p.ProblemId))
            .Select(p => new ScoringProblem(p.ProblemId, p.Question, answers.GetValueOrDefault(p.ProblemId) ?? []))
            .ToList();
    }

    public IReadOnlySet<int> ScoredIndices(string problemId) => store.ScoredIndices(runId, scorerId, problemId);

    public void SaveScores(IReadOnlyList<SampleScore> scores) => store.SaveScores(runId, scorerId, scores.Select(ToStored));

    public static StoredScore ToStored(SampleScore s) =>
        new(s.ProblemId, s.Index, s.Status.Name(), s.StepScores, s.OrmScore, s.StepPositions, s.StepCount, s.TokenCount, s.Milliseconds);
}
