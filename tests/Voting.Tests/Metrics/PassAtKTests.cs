using BestOfN.Voting.Metrics;
using FsCheck.Xunit;

namespace BestOfN.Voting.Tests.Metrics;

public class PassAtKTests
{
    [Property(MaxTest = 300)]
    public void Matches_enumeration_of_every_k_subset(int seed)
    {
        var problem = SmallProblem.Generate(seed);
        var c = problem.Correct.Count(x => x);
        for (var k = 1; k <= problem.N; k++)
        {
            Assert.Equal(BruteForce.Pass(problem.Correct, k), PassAtK.Compute(problem.N, c, k), 1e-12);
        }
    }

    [Fact]
    public void Matches_the_closed_form_on_a_hand_computed_case()
    {
        // 1 - C(2,2)/C(4,2) = 1 - 1/6
        Assert.Equal(5.0 / 6.0, PassAtK.Compute(4, 2, 2), 1e-15);
    }

    [Fact]
    public void Is_one_when_fewer_wrong_samples_than_k()
    {
        Assert.Equal(1.0, PassAtK.Compute(10, 8, 3));
    }

    [Fact]
    public void Is_zero_when_none_correct_and_one_when_all_correct()
    {
        Assert.Equal(0.0, PassAtK.Compute(1024, 0, 512));
        Assert.Equal(1.0, PassAtK.Compute(1024, 1024, 1));
    }

    [Fact]
    public void At_k_equal_n_is_one_iff_any_sample_is_correct()
    {
        Assert.Equal(1.0, PassAtK.Compute(7, 1, 7));
        Assert.Equal(0.0, PassAtK.Compute(7, 0, 7));
    }

    [Fact]
    public void At_k_one_is_the_fraction_correct()
    {
        Assert.Equal(3.0 / 7.0, PassAtK.Compute(7, 3, 1), 1e-15);
    }

    [Fact]
    public void Stays_accurate_where_binomials_overflow()
    {
        // C(1024, 512) overflows a double; the product form does not. 1 - C(1023,512)/C(1024,512) = 512/1024.
        Assert.Equal(0.5, PassAtK.Compute(1024, 1, 512), 1e-12);
    }

    [Theory]
    [InlineData(0, 0, 1)]
    [InlineData(5, 6, 1)]
    [InlineData(5, 2, 0)]
    [InlineData(5, 2, 6)]
    public void Rejects_impossible_arguments(int n, int c, int k)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PassAtK.Compute(n, c, k));
    }
}
