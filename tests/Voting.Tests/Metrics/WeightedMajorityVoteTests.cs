using BestOfN.Voting.Metrics;
using FsCheck.Xunit;

namespace BestOfN.Voting.Tests.Metrics;

public class WeightedMajorityVoteTests
{
    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 60)];

    [Property(MaxTest = 200)]
    public void Exact_matches_enumeration_of_every_k_subset_including_weight_ties(int seed)
    {
        var problem = SmallProblem.Generate(seed, maxN: 10);
        for (var k = 1; k <= problem.N; k++)
        {
            Assert.Equal(
                BruteForce.WeightedMajority(problem.Keys, problem.Correct, problem.Weights, k),
                WeightedMajorityVote.Exact(problem.Keys, problem.Correct, problem.Weights, k),
                1e-12);
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Monte_carlo_falls_within_four_standard_errors_of_the_enumerated_truth(int seed)
    {
        var problem = SmallProblem.Generate(seed);
        for (var k = 1; k <= problem.N; k++)
        {
            var truth = BruteForce.WeightedMajority(problem.Keys, problem.Correct, problem.Weights, k);
            var estimate = WeightedMajorityVote.MonteCarlo(problem.Keys, problem.Correct, problem.Weights, k, 2000, (ulong)(seed * 7919 + k));
            var margin = 4 * estimate.StandardError!.Value + 1e-12;
            Assert.InRange(estimate.Value, truth - margin, truth + margin);
        }
    }

    [Fact]
    public void Summed_reward_beats_a_larger_count()
    {
        // Two wrong samples worth 0.2 each lose to one correct sample worth 0.9 at k = N.
        Assert.Equal(1.0, WeightedMajorityVote.Exact(["w", "w", "c"], [false, false, true], [0.2, 0.2, 0.9], 3));
    }

    [Fact]
    public void Equal_summed_rewards_split_the_win()
    {
        Assert.Equal(0.5, WeightedMajorityVote.Exact(["w", "w", "c"], [false, false, true], [0.25, 0.25, 0.5], 3), 1e-15);
    }

    [Fact]
    public void Sums_equal_up_to_rounding_tie_whatever_the_order_of_the_samples()
    {
        // 0.1 + 0.2 + 0.3 is 0.6000000000000001 in floating point, 0.3 + 0.2 + 0.1 is 0.6: with exact equality the first order
        // would give the wrong answer the whole win.
        Assert.NotEqual(0.6, 0.1 + 0.2 + 0.3);
        string[] keys = ["w", "w", "w", "c"];
        bool[] correct = [false, false, false, true];
        Assert.Equal(0.5, WeightedMajorityVote.Exact(keys, correct, [0.1, 0.2, 0.3, 0.6], 4), 1e-15);
        Assert.Equal(0.5, WeightedMajorityVote.Exact(keys, correct, [0.3, 0.2, 0.1, 0.6], 4), 1e-15);
        Assert.Equal(0.5, WeightedMajorityVote.MonteCarlo(keys, correct, [0.1, 0.2, 0.3, 0.6], 4, 50, 1).Value, 1e-15);
        // A real difference still decides.
        Assert.Equal(0.0, WeightedMajorityVote.Exact(keys, correct, [0.1, 0.2, 0.3, 0.5999], 4));
    }

    [Fact]
    public void Abstaining_samples_never_win_whatever_their_reward()
    {
        Assert.Equal(1.0, WeightedMajorityVote.Exact(["", "c"], [false, true], [100, 0.1], 2));
    }

    [Fact]
    public void Rejects_non_finite_weights()
    {
        Assert.Throws<ArgumentException>(() => WeightedMajorityVote.Exact(["a"], [true], [double.NaN], 1));
    }
}
