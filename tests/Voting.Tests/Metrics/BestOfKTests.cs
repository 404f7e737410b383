using BestOfN.Voting.Metrics;
using FsCheck.Xunit;

namespace BestOfN.Voting.Tests.Metrics;

public class BestOfKTests
{
    [Property(MaxTest = 300)]
    public void Matches_enumeration_of_every_k_subset_including_reward_ties(int seed)
    {
        var problem = SmallProblem.Generate(seed);
        for (var k = 1; k <= problem.N; k++)
        {
            Assert.Equal(BruteForce.BestOfK(problem.Rewards, problem.Correct, k), BestOfK.Expected(problem.Rewards, problem.Correct, k), 1e-12);
        }
    }

    [Fact]
    public void Item_ranked_r_from_the_bottom_wins_with_probability_C_r_minus_1_k_minus_1_over_C_N_k()
    {
        // Only the 3rd-ranked of 5 is correct: C(2,1)/C(5,2) = 2/10 at k = 2.
        var rewards = new[] { 0.1, 0.2, 0.3, 0.4, 0.5 };
        var correct = new[] { false, false, true, false, false };
        Assert.Equal(0.2, BestOfK.Expected(rewards, correct, 2), 1e-15);
    }

    [Fact]
    public void Tied_top_rewards_share_the_win_evenly()
    {
        // Both top items tie; one is correct. At k = N the winner is either with probability 1/2.
        var rewards = new[] { 0.9, 0.9, 0.1 };
        var correct = new[] { true, false, true };
        Assert.Equal(0.5, BestOfK.Expected(rewards, correct, 3), 1e-15);
    }

    [Fact]
    public void At_k_one_is_the_fraction_correct()
    {
        var rewards = new[] { 0.3, 0.9, 0.1, 0.5 };
        var correct = new[] { true, false, false, false };
        Assert.Equal(0.25, BestOfK.Expected(rewards, correct, 1), 1e-15);
    }

    [Fact]
    public void At_k_n_picks_the_top_reward()
    {
        var rewards = new[] { 0.3, 0.9, 0.1, 0.5 };
        Assert.Equal(0.0, BestOfK.Expected(rewards, [true, false, true, true], 4));
        Assert.Equal(1.0, BestOfK.Expected(rewards, [false, true, false, false], 4));
    }

    [Fact]
    public void All_correct_gives_one_and_none_correct_gives_zero_at_every_k()
    {
        var rewards = Enumerable.Range(0, 64).Select(i => (double)(i % 7)).ToArray();
        for (var k = 1; k <= 64; k *= 2)
        {
            Assert.Equal(1.0, BestOfK.Expected(rewards, rewards.Select(_ => true).ToArray(), k), 1e-12);
            Assert.Equal(0.0, BestOfK.Expected(rewards, rewards.Select(_ => false).ToArray(), k));
        }
    }

    [Fact]
    public void Large_k_on_large_n_matches_the_closed_form_without_overflow()
    {
        // Only the top item is correct: P(top is drawn) = k / N.
        var rewards = Enumerable.Range(0, 1024).Select(i => (double)i).ToArray();
        var correct = rewards.Select(r => r == 1023).ToArray();
        Assert.Equal(512.0 / 1024, BestOfK.Expected(rewards, correct, 512), 1e-12);
    }

    [Fact]
    public void Rejects_a_nan_reward()
    {
        Assert.Throws<ArgumentException>(() => BestOfK.Expected([0.5, double.NaN], [true, false], 1));
    }
}
