using BestOfN.Voting.Metrics;

namespace BestOfN.Voting.Tests.Metrics;

public class PrmAggregationTests
{
    private static readonly double[] Steps = [0.9, 0.5, 0.8];

    [Theory]
    [InlineData(PrmAggregation.Min, 0.5)]
    [InlineData(PrmAggregation.Last, 0.8)]
    [InlineData(PrmAggregation.Product, 0.36)]
    [InlineData(PrmAggregation.Mean, 2.2 / 3)]
    [InlineData(PrmAggregation.GeometricMean, 0.71137866089801)]
    public void Aggregates_step_scores(PrmAggregation aggregation, double expected)
    {
        Assert.Equal(expected, aggregation.Apply(Steps), 1e-12);
    }

    [Theory]
    [InlineData("min", PrmAggregation.Min)]
    [InlineData("last", PrmAggregation.Last)]
    [InlineData("prod", PrmAggregation.Product)]
    [InlineData("mean", PrmAggregation.Mean)]
    [InlineData("geomean", PrmAggregation.GeometricMean)]
    [InlineData("prm_min", PrmAggregation.Min)]
    public void Parses_short_and_metric_names(string name, PrmAggregation expected)
    {
        Assert.True(PrmAggregations.TryParse(name, out var parsed));
        Assert.Equal(expected, parsed);
    }

    [Fact]
    public void Metric_names_are_the_documented_ones()
    {
        Assert.Equal(
            ["prm_min", "prm_last", "prm_prod", "prm_mean", "prm_geomean"],
            PrmAggregations.All.Select(a => a.MetricName()));
    }

    [Fact]
    public void Rejects_an_unknown_name_and_an_empty_step_list()
    {
        Assert.False(PrmAggregations.TryParse("max", out _));
        Assert.Throws<ArgumentException>(() => PrmAggregation.Min.Apply([]));
    }

    [Fact]
    public void Ranking_keys_order_solutions_as_the_aggregated_scores_do()
    {
        var random = new Random(5);
        var solutions = Enumerable.Range(0, 200)
            .Select(_ => Enumerable.Range(0, 1 + random.Next(300)).Select(_ => random.NextDouble() < 0.02 ? 0 : random.NextDouble()).ToArray())
            .ToArray();
        var keys = new double[PrmAggregations.All.Count];
        foreach (var aggregation in PrmAggregations.All)
        {
            var byKey = solutions.Select(s => { PrmAggregations.RankingKeys(s, keys); return keys[(int)aggregation]; }).ToArray();
            var byScore = solutions.Select(s => aggregation.Apply(s)).ToArray();
            for (var i = 0; i < solutions.Length; i++)
            {
                for (var j = 0; j < solutions.Length; j++)
                {
                    if (byScore[i] > 0 && byScore[j] > 0 || aggregation != PrmAggregation.Product)
                    {
                        Assert.Equal(Math.Sign(byScore[i].CompareTo(byScore[j])), Math.Sign(byKey[i].CompareTo(byKey[j])));
                    }
                }
            }
        }
    }

    [Fact]
    public void Product_ranking_separates_long_solutions_that_underflow_to_zero()
    {
        var longer = Enumerable.Repeat(0.1, 400).ToArray();
        var shorter = Enumerable.Repeat(0.1, 350).ToArray();
        Assert.Equal(0.0, PrmAggregation.Product.Apply(longer));
        Span<double> a = stackalloc double[5];
        Span<double> b = stackalloc double[5];
        PrmAggregations.RankingKeys(longer, a);
        PrmAggregations.RankingKeys(shorter, b);
        Assert.True(a[(int)PrmAggregation.Product] < b[(int)PrmAggregation.Product]);
    }
}
