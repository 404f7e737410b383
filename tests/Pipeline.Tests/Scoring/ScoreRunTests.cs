using BestOfN.Llama.Native;
using BestOfN.Store;
using BestOfN.Verifier.Grading;
using BestOfN.Verifier.Scoring;

namespace BestOfN.Pipeline.Tests.Scoring;

public class ScoreRunTests
{
    private static ScorerOptions Small(IRewardProtocol protocol) =>
        new() { Protocol = protocol, Batch = 2, ContextSize = 4096, MaxSequenceTokens = 1024, Threads = 2, FlashAttention = false };

    private static RunStore ImportedRun()
    {
        var store = StoreFixture.WithRun();
        StoreFixture.AddProblem(store, "r", "p1", 0, "Sam has 3 apples and buys 4 more. How many?", "7",
            [("3 + 4 = 7\n\nThe answer is 7", null), ("3 + 4 = 8\n\nThe answer is 8", null), ("The answer is 7", null)]);
        return store;
    }

    [Fact]
    public void A_protocol_registered_by_one_line_scores_a_run_end_to_end_and_is_recorded_by_name_and_level()
    {
        var registry = RewardProtocols.Default.With(new LastTokenOutcomeProtocol("last-token-orm"));
        var protocol = registry.Get("last-token-orm");
        Assert.Contains("last-token-orm", registry.Names);
        LlamaRuntime.Load();
        using var store = ImportedRun();

        var result = ScoreRun.Run(store, store.Runs()[0], new ScoreRequest { ModelPath = ScoringTestModels.Llama3Prm, Scorer = Small(protocol) });

        Assert.Equal(3, result.Summary.AnswersScored);
        var scorer = Assert.Single(store.Scorers("r"));
        Assert.Equal(("last-token-orm", false), (scorer.Protocol, scorer.ScoresSteps));
        Assert.Contains("\"read\":\"last token\"", scorer.ConfigJson);
        Assert.Equal(RunIdentity.ScorerIdFor(scorer.ConfigJson), scorer.ScorerId);
        var votes = Assert.Single(GradeRun.Load(store, "r", new AnswerGrader())).Samples;
        Assert.All(votes, v => Assert.InRange(v.OrmScore!.Value, 0, 1));
        Assert.All(votes, v => Assert.Null(v.PrmStepScores));
    }

    [Fact]
    public void Rescoring_with_the_same_settings_resumes_and_a_step_protocol_is_stored_as_steps()
    {
        LlamaRuntime.Load();
        using var store = ImportedRun();
        var request = new ScoreRequest { ModelPath = ScoringTestModels.Llama3Prm, Scorer = Small(RewardProtocols.RlhflowPrm) };

        var first = ScoreRun.Run(store, store.Runs()[0], request);
        var again = ScoreRun.Run(store, store.Runs()[0], request with { Scorer = request.Scorer with { Batch = 3 } });

        Assert.Equal((3L, 0L), (first.Summary.AnswersScored, first.Summary.AnswersSkipped));
        Assert.Equal((0L, 3L), (again.Summary.AnswersScored, again.Summary.AnswersSkipped));
        Assert.Equal(first.ScorerId, again.ScorerId);
        Assert.True(Assert.Single(store.Scorers("r")).ScoresSteps);
        Assert.Equal([2, 2, 1], GradeRun.Load(store, "r", new AnswerGrader())[0].Samples.Select(v => v.PrmStepScores!.Count));
    }
}
