using BestOfN.Voting.Metrics;
using FsCheck.Xunit;

namespace BestOfN.Voting.Tests.Metrics;

public class MajorityVoteTests
{
    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 60)];

    [Property(MaxTest = 300)]
    public void Exact_matches_enumeration_of_every_k_subset(int seed)
    {
        var problem = SmallProblem.Generate(seed);
        for (var k = 1; k <= problem.N; k++)
        {
            Assert.Equal(BruteForce.Majority(problem.Keys, problem.Correct, k), MajorityVote.Exact(problem.Keys, problem.Correct, k), 1e-12);
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Monte_carlo_falls_within_four_standard_errors_of_the_enumerated_truth(int seed)
    {
        var problem = SmallProblem.Generate(seed);
        for (var k = 1; k <= problem.N; k++)
        {
            var truth = BruteForce.Majority(problem.Keys, problem.Correct, k);
            var estimate = MajorityVote.MonteCarlo(problem.Keys, problem.Correct, k, draws: 2000, seed: (ulong)(seed * 131 + k));
            Assert.NotNull(estimate.StandardError);
            Assert.InRange(estimate.Value, truth - 4 * estimate.StandardError!.Value - 1e-12, truth + 4 * estimate.StandardError.Value + 1e-12);
        }
    }

    [Fact]
    public void Monte_carlo_is_reproducible_for_a_seed()
    {
        var problem = SmallProblem.Generate(7);
        var k = Math.Max(1, problem.N / 2);
        Assert.Equal(
            MajorityVote.MonteCarlo(problem.Keys, problem.Correct, k, 500, 42),
            MajorityVote.MonteCarlo(problem.Keys, problem.Correct, k, 500, 42));
    }

    [Fact]
    public void Monte_carlo_standard_error_is_not_zero_when_the_outcome_varies()
    {
        // a (correct) 3, b 3, c 2: at k = 4 the outcome depends on the draw.
        string[] keys = ["a", "a", "a", "b", "b", "b", "c", "c"];
        bool[] correct = [true, true, true, false, false, false, false, false];
        var estimate = MajorityVote.MonteCarlo(keys, correct, 4, 1000, 1);
        Assert.True(estimate.StandardError > 0);
        Assert.InRange(estimate.Value, MajorityVote.Exact(keys, correct, 4) - 4 * estimate.StandardError!.Value, MajorityVote.Exact(keys, correct, 4) + 4 * estimate.StandardError.Value);
    }

    [Fact]
    public void A_vote_tie_splits_evenly_between_the_tied_answers()
    {
        // Two samples, two answers, one correct: at k = 2 they tie and each wins half the time.
        Assert.Equal(0.5, MajorityVote.Exact(["x", "y"], [true, false], 2), 1e-15);
    }

    [Fact]
    public void Three_way_tie_at_k_n_gives_a_third_to_each()
    {
        Assert.Equal(1.0 / 3.0, MajorityVote.Exact(["x", "y", "z"], [true, false, false], 3), 1e-15);
    }

    [Fact]
    public void At_k_one_is_the_fraction_of_samples_with_a_correct_answer()
    {
        string[] keys = ["a", "b", "b", "", "a"];
        bool[] correct = [true, false, false, false, true];
        Assert.Equal(0.4, MajorityVote.Exact(keys, correct, 1), 1e-15);
    }

    [Fact]
    public void At_k_n_the_most_frequent_answer_wins()
    {
        Assert.Equal(0.0, MajorityVote.Exact(["a", "b", "b"], [true, false, false], 3));
        Assert.Equal(1.0, MajorityVote.Exact(["a", "a", "b"], [true, true, false], 3));
    }

    [Fact]
    public void Samples_without_an_answer_abstain_and_never_win()
    {
        // Three abstentions and one wrong answer: at k = 4 the wrong answer wins although abstentions outnumber it.
        Assert.Equal(0.0, MajorityVote.Exact(["", "", "", "w"], [false, false, false, false], 4));
        // One correct answer among abstentions wins whenever it is drawn: P = k / N.
        Assert.Equal(0.5, MajorityVote.Exact(["", "", "", "a"], [false, false, false, true], 2), 1e-15);
    }

    [Fact]
    public void A_subset_of_only_abstentions_is_wrong()
    {
        Assert.Equal(0.0, MajorityVote.Exact(["", ""], [true, true], 1));
    }

    [Fact]
    public void All_correct_gives_one_and_none_correct_gives_zero()
    {
        Assert.Equal(1.0, MajorityVote.Exact(["a", "a", "a", "a"], [true, true, true, true], 2), 1e-15);
        Assert.Equal(0.0, MajorityVote.Exact(["a", "b", "c", "c"], [false, false, false, false], 3));
    }

    [Fact]
    public void One_answer_graded_both_ways_is_an_error()
    {
        var error = Assert.Throws<ArgumentException>(() => MajorityVote.Exact(["7", "7"], [true, false], 1));
        Assert.Contains("'7'", error.Message);
    }

    [Fact]
    public void Exact_cost_grows_with_k_and_is_out_of_reach_when_binomials_overflow()
    {
        var keys = Enumerable.Range(0, 1024).Select(i => (i % 5).ToString()).ToArray();
        var correct = keys.Select(k => k == "0").ToArray();
        Assert.True(MajorityVote.ExactCost(keys, correct, 4) < MajorityVote.ExactCost(keys, correct, 16));
        Assert.Equal(long.MaxValue, MajorityVote.ExactCost(keys, correct, 512));
    }

    [Fact]
    public void Exact_stays_correct_on_a_larger_input_against_the_hypergeometric_closed_form()
    {
        // One correct answer with 60 of 100 samples, everything else abstains: it wins iff drawn, P = 1 - C(40,k)/C(100,k).
        var keys = Enumerable.Range(0, 100).Select(i => i < 60 ? "a" : "").ToArray();
        var correct = keys.Select(k => k == "a").ToArray();
        Assert.Equal(PassAtK.Compute(100, 60, 10), MajorityVote.Exact(keys, correct, 10), 1e-12);
    }
}
