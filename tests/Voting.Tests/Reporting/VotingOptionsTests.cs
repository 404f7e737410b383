using BestOfN.Voting.Metrics;
using BestOfN.Voting.Reporting;

namespace BestOfN.Voting.Tests.Reporting;

public class VotingOptionsTests
{
    [Fact]
    public void Defaults_are_pinned()
    {
        var options = new VotingOptions();
        Assert.Null(options.Ks);
        Assert.Equal(1000, options.BootstrapResamples);
        Assert.Equal(0, options.Seed);
        Assert.Equal(0.95, options.ConfidenceLevel);
        Assert.Equal(64, options.MonteCarloDraws);
        Assert.Equal(100_000, options.MajorityExactBudget);
        Assert.Equal(20_000, options.WeightedMajorityEnumerationLimit);
        Assert.Null(options.WeightBy);
        Assert.Equal(PrmAggregation.Min, options.TablePrmAggregation);
        Assert.Empty(options.BreakdownFields);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Validate_lists_every_error()
    {
        var options = new VotingOptions
        {
            Ks = [0, 4, -2],
            BootstrapResamples = -1,
            ConfidenceLevel = 1,
            MonteCarloDraws = 1,
            MajorityExactBudget = -5,
            WeightedMajorityEnumerationLimit = -1,
            BreakdownFields = [" "],
        };
        var errors = options.Validate();
        Assert.Equal(8, errors.Count);
        Assert.Contains(errors, e => e.Contains("k = 0"));
        Assert.Contains(errors, e => e.Contains("k = -2"));
        Assert.Contains(errors, e => e.Contains("BootstrapResamples"));
        Assert.Contains(errors, e => e.Contains("ConfidenceLevel"));
        Assert.Contains(errors, e => e.Contains("MonteCarloDraws"));
        Assert.Contains(errors, e => e.Contains("MajorityExactBudget"));
        Assert.Contains(errors, e => e.Contains("WeightedMajorityEnumerationLimit"));
        Assert.Contains(errors, e => e.Contains("breakdown field"));
    }

    [Fact]
    public void Empty_ks_is_an_error()
    {
        Assert.Single(new VotingOptions { Ks = [] }.Validate());
    }

    [Theory]
    [InlineData("orm", null)]
    [InlineData("prm_min", PrmAggregation.Min)]
    [InlineData("prm_last", PrmAggregation.Last)]
    [InlineData("prm_prod", PrmAggregation.Product)]
    [InlineData("prm_mean", PrmAggregation.Mean)]
    [InlineData("prm_geomean", PrmAggregation.GeometricMean)]
    public void Reward_sources_parse_from_their_names(string name, PrmAggregation? prm)
    {
        Assert.True(RewardSource.TryParse(name, out var source));
        Assert.Equal(prm, source.Prm);
        Assert.Equal(name, source.Name);
    }

    [Fact]
    public void An_unknown_reward_source_does_not_parse()
    {
        Assert.False(RewardSource.TryParse("prm_max", out _));
        Assert.False(RewardSource.TryParse("score", out _));
    }
}
