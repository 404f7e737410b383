using BestOfN.Verifier.Scoring;

namespace BestOfN.Verifier.Tests.Scoring;

public class ScoringJobTests
{
    private sealed class MemoryStore(IReadOnlyList<ScoringProblem> problems) : IScoreStore
    {
        public List<IReadOnlyList<SampleScore>> Transactions { get; } = [];

        public Dictionary<(string, int), SampleScore> Stored { get; } = [];

        public IReadOnlyList<ScoringProblem> Problems() => problems;

        public IReadOnlySet<int> ScoredIndices(string problemId) => Stored.Keys.Where(k => k.Item1 == problemId).Select(k => k.Item2).ToHashSet();

        public void SaveScores(IReadOnlyList<SampleScore> scores)
        {
            Transactions.Add(scores);
            foreach (var s in scores) Stored.TryAdd((s.ProblemId, s.Index), s);
        }
    }

    private static List<ScoringProblem> Problems() =>
    [
        new("p0", "What is 3 + 4?", ScoringTestModels.Answers.Select((a, i) => new ScoringAnswer(i, a)).ToList()),
        new("p1", "What is 12 / 4?", ScoringTestModels.Answers.Take(4).Select((a, i) => new ScoringAnswer(i, a.Replace('7', '3'))).ToList()),
    ];

    [Fact]
    public void Resume_after_a_kill_scores_only_the_missing_answers_and_gives_the_same_scores()
    {
        using var model = BestOfN.Llama.LlamaModel.Load(ScoringTestModels.Llama3Prm);
        var options = new ScorerOptions { Batch = 2, BatchTokens = 64, ContextSize = 2048, MaxSequenceTokens = 1024, Threads = 2, FlashAttention = false };

        var complete = new MemoryStore(Problems());
        using (var scorer = new LlamaRewardScorer(model, options)) ScoringJob.Run(scorer, complete);

        // A run killed after its third batch transaction: the store holds whole batches only.
        var killed = new MemoryStore(Problems());
        using (var scorer = new LlamaRewardScorer(model, options))
        using (var cts = new CancellationTokenSource())
        {
            var progress = new SyncProgress(p => { if (p.AnswersDone >= 5) cts.Cancel(); });
            // Cancellation drops the batch in flight and ends the run, reporting that it was interrupted.
            Assert.True(ScoringJob.Run(scorer, killed, progress, cancellationToken: cts.Token).Interrupted);
        }
        var storedBefore = killed.Stored.Count;
        Assert.InRange(storedBefore, 5, 7);

        ScoringSummary summary;
        using (var scorer = new LlamaRewardScorer(model, options)) summary = ScoringJob.Run(scorer, killed);
        Assert.Equal(storedBefore, summary.AnswersSkipped);
        Assert.Equal(10 - storedBefore, summary.AnswersScored);
        Assert.Equal(complete.Stored.Keys.Order(), killed.Stored.Keys.Order());
        foreach (var (key, s) in complete.Stored)
        {
            Assert.Equal(s.Status, killed.Stored[key].Status);
            Assert.Equal(s.StepScores.Count, killed.Stored[key].StepScores.Count);
            for (var k = 0; k < s.StepScores.Count; k++) Assert.InRange(killed.Stored[key].StepScores[k] - s.StepScores[k], -1e-4, 1e-4);
        }

        using (var scorer = new LlamaRewardScorer(model, options)) summary = ScoringJob.Run(scorer, killed);
        Assert.Equal(0, summary.AnswersScored);
        Assert.Equal(10, summary.AnswersSkipped);
    }

    [Fact]
    public void Each_batch_is_one_transaction_and_progress_counts_scored_tokens()
    {
        using var model = BestOfN.Llama.LlamaModel.Load(ScoringTestModels.Llama3Prm);
        var store = new MemoryStore(Problems());
        var reports = new List<ScoringProgress>();
        using var scorer = new LlamaRewardScorer(model, new ScorerOptions { Batch = 3, BatchTokens = 64, ContextSize = 2048, MaxSequenceTokens = 1024, Threads = 2 });
        var summary = ScoringJob.Run(scorer, store, new SyncProgress(reports.Add));
        Assert.All(store.Transactions, t => Assert.InRange(t.Count, 1, 4)); // a batch of 3, plus unscorable answers with the first
        Assert.Equal(10, store.Transactions.Sum(t => t.Count));
        Assert.Equal(summary.TokensScored, reports[^1].TokensScored);
        Assert.Equal((2, 2, 10L, 10L), (reports[^1].ProblemsDone, reports[^1].ProblemsTotal, reports[^1].AnswersDone, reports[^1].AnswersTotal));
        Assert.True(summary.PrefixTokensPrefilled > 0);
    }

    private sealed class SyncProgress(Action<ScoringProgress> report) : IProgress<ScoringProgress>
    {
        public void Report(ScoringProgress value) => report(value);
    }
}
