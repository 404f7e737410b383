using BestOfN.Voting.Reporting;

namespace BestOfN.Voting.Tests.Reporting;

public class BootstrapTests
{
    [Fact]
    public void A_constant_column_has_a_degenerate_interval()
    {
        var intervals = Bootstrap.PercentileIntervals([Enumerable.Repeat(0.3, 50).ToArray()], 200, 0.95, 1);
        Assert.Equal(0.3, intervals[0].Low, 1e-12);
        Assert.Equal(0.3, intervals[0].High, 1e-12);
    }

    [Fact]
    public void Interval_of_a_bernoulli_mean_is_close_to_the_normal_approximation()
    {
        // 400 problems, half solved: the mean's standard error is 0.025, so the 95% interval is about 0.5 ± 0.049.
        var column = Enumerable.Range(0, 400).Select(i => i % 2 == 0 ? 1.0 : 0.0).ToArray();
        var (low, high) = Bootstrap.PercentileIntervals([column], 2000, 0.95, 7)[0];
        Assert.InRange(low, 0.44, 0.46);
        Assert.InRange(high, 0.54, 0.56);
    }

    [Fact]
    public void Same_seed_gives_the_same_interval_and_another_seed_a_different_one()
    {
        var column = Enumerable.Range(0, 100).Select(i => (i * 37 % 100) / 100.0).ToArray();
        var a = Bootstrap.PercentileIntervals([column], 300, 0.95, 1)[0];
        var b = Bootstrap.PercentileIntervals([column], 300, 0.95, 1)[0];
        var c = Bootstrap.PercentileIntervals([column], 300, 0.95, 2)[0];
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Quantile_interpolates_between_order_statistics()
    {
        Assert.Equal(2.5, Bootstrap.Quantile([1, 2, 3, 4], 0.5), 1e-15);
        Assert.Equal(1.0, Bootstrap.Quantile([1, 2, 3, 4], 0.0));
        Assert.Equal(4.0, Bootstrap.Quantile([1, 2, 3, 4], 1.0));
    }
}
