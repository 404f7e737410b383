using BestOfN.Store;
using BestOfN.Verifier.Grading;
using BestOfN.Voting.Samples;

namespace BestOfN.Pipeline.Tests.Grading;

/// <summary>A stored run graded into Voting's input.</summary>
public class GradeRunTests
{
    [Fact]
    public void Each_sample_becomes_its_answer_key_and_correctness_and_shipped_labels_win()
    {
        using var store = StoreFixture.WithRun();
        StoreFixture.AddProblem(store, "r", "p", 0, "q", "4", [("so \\boxed{4}", null), ("The answer is 8/2", null), ("The answer is 5", null), ("The answer is 5", true)]);

        var problem = Assert.Single(GradeRun.Load(store, "r", new AnswerGrader()));
        var votes = problem.Samples;

        Assert.Equal("p", problem.ProblemId);
        Assert.Equal([true, true, false, true], votes.Select(v => v.Correct));
        Assert.Equal(votes[0].AnswerKey, votes[1].AnswerKey); // 4 and 8/2 are one answer for majority voting
        Assert.All(votes, v => Assert.Null(v.OrmScore));
    }

    [Fact]
    public void A_key_whose_shipped_labels_disagree_is_split_by_label_so_neither_side_inherits_the_others_correctness()
    {
        VoteSample[] votes = [new("7", true, null, null), new("7", false, null, null), new("7", true, null, null), new("8", false, null, null)];

        var (split, count) = GradeRun.SplitDisagreeingKeys(votes);

        Assert.Equal(["7 [label=1]", "7 [label=0]", "7 [label=1]", "8"], split.Select(v => v.AnswerKey));
        Assert.Equal(1, count);
        var agreeing = votes[2..];
        Assert.Equal((agreeing, 0), GradeRun.SplitDisagreeingKeys(agreeing)); // nothing to split: the same array
    }

    [Fact]
    public void A_loaded_problem_counts_its_split_keys_for_the_report()
    {
        using var store = StoreFixture.WithRun();
        StoreFixture.AddProblem(store, "r", "split", 0, "q", "4", [("The answer is 4", true), ("The answer is 4", false), ("The answer is 5", false)]);
        StoreFixture.AddProblem(store, "r", "clean", 1, "q2", "4", [("The answer is 4", true), ("The answer is 5", false)]);

        var problems = GradeRun.Load(store, "r", new AnswerGrader());

        Assert.Equal([1, 0], problems.Select(p => p.SplitAnswerKeys));
    }

    [Fact]
    public void Scores_come_from_the_scorers_by_their_typed_level_and_a_prm_without_a_step_is_unscored_never_a_zero()
    {
        using var store = StoreFixture.WithRun();
        StoreFixture.AddProblem(store, "r", "p", 0, "q", "1", [("The answer is 1", null), ("The answer is 2", null)]);
        store.EnsureScorer(new ScorerInfo("r", "orm", "any-name", ScoresSteps: false, null, null, "{}", "{}", DateTimeOffset.UnixEpoch));
        store.EnsureScorer(new ScorerInfo("r", "prm", "any-name", ScoresSteps: true, null, null, "{}", "{}", DateTimeOffset.UnixEpoch.AddSeconds(1)));
        store.SaveScores("r", "orm", [Score(0, [], 0.9), Score(1, [], 0.2)]);
        store.SaveScores("r", "prm", [Score(0, [0.5, 0.25], null), Score(1, [], null)]);

        var votes = Assert.Single(GradeRun.Load(store, "r", new AnswerGrader())).Samples;

        Assert.Equal([0.9, 0.2], votes.Select(v => v.OrmScore));
        Assert.Equal([0.5, 0.25], votes[0].PrmStepScores);
        Assert.Null(votes[1].PrmStepScores); // the report counts it as unscored (ReportCommandTests)
    }

    [Fact]
    public void A_problem_with_neither_gold_nor_labels_cannot_be_voted_on()
    {
        using var store = StoreFixture.WithRun();
        StoreFixture.AddProblem(store, "r", "p", 0, "q", gold: null, [("The answer is 1", null)]);
        var e = Assert.Throws<InvalidOperationException>(() => GradeRun.Load(store, "r", new AnswerGrader()));
        Assert.Contains("neither a gold answer nor labels", e.Message);
    }

    private static StoredScore Score(int index, double[] steps, double? orm) => new("p", index, "ok", steps, orm, [], steps.Length, 1, 0);
}
