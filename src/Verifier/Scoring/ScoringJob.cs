using System.Diagnostics;

namespace BestOfN.Verifier.Scoring;

/// <summary>
/// Where a scoring run reads its answers and keeps its scores. The run store implements it; a store writes each batch as one unit,
/// so a killed process loses at most the batch in flight, and tells a rerun what it has.
/// </summary>
public interface IScoreStore
{
    /// <summary>The problems to score, with every answer, in order.</summary>
    IReadOnlyList<ScoringProblem> Problems();

    /// <summary>Sample indices of a problem that already have scores: a rerun scores only the others.</summary>
    IReadOnlySet<int> ScoredIndices(string problemId);

    /// <summary>Stores a batch atomically; scores already stored are kept, never duplicated.</summary>
    void SaveScores(IReadOnlyList<SampleScore> scores);
}

/// <summary>Scores every stored answer that has no score yet, a batch per transaction (a batch may span problems).</summary>
public static class ScoringJob
{
    public static ScoringSummary Run(IRewardScorer scorer, IScoreStore store, IProgress<ScoringProgress>? progress = null,
        TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        time ??= TimeProvider.System;
        var start = time.GetTimestamp();
        var problems = store.Problems();
        var work = problems.Select(p =>
        {
            var done = store.ScoredIndices(p.ProblemId);
            return p with { Answers = p.Answers.Where(a => !done.Contains(a.Index)).ToList() };
        }).ToList();
        var total = problems.Sum(p => (long)p.Answers.Count);
        var skipped = total - work.Sum(p => (long)p.Answers.Count);
        var statuses = Enum.GetValues<ScoreStatus>().ToDictionary(s => s, _ => 0L);
        long answersDone = skipped, scored = 0;
        var tokensBefore = scorer.TokensScored;
        var prefixBefore = scorer.PrefixTokensPrefilled;
        var problemsDone = work.Count(p => p.Answers.Count == 0);
        void Report() => progress?.Report(new ScoringProgress(problemsDone, problems.Count, answersDone, total, skipped,
            scorer.TokensScored - tokensBefore, time.GetElapsedTime(start)));

        Report();
        var interrupted = false;
        try
        {
            ScoreAll();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            interrupted = true;
        }
        return new ScoringSummary(problems.Count, scored, skipped, scorer.TokensScored - tokensBefore, scorer.PrefixTokensPrefilled - prefixBefore,
            statuses, time.GetElapsedTime(start), interrupted);

        void ScoreAll()
        {
            // A batch may hold answers of several problems (IRewardScorer.ScoreAll): a problem is done when its last answer is stored.
            var left = work.GroupBy(p => p.ProblemId).ToDictionary(g => g.Key, g => g.Sum(p => p.Answers.Count));
            foreach (var batch in scorer.ScoreAll(work.Where(p => p.Answers.Count > 0), cancellationToken))
            {
                store.SaveScores(batch);
                foreach (var s in batch)
                {
                    statuses[s.Status]++;
                    if (--left[s.ProblemId] == 0) problemsDone++;
                }
                answersDone += batch.Count;
                scored += batch.Count;
                Report();
            }
        }
    }
}
