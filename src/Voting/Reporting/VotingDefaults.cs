using BestOfN.Voting.Metrics;

namespace BestOfN.Voting.Reporting;

/// <summary>Defaults of <see cref="VotingOptions"/>.</summary>
public static class VotingDefaults
{
    /// <summary>The default value is 1000 bootstrap resamples.</summary>
    public const int BootstrapResamples = 1000;

    /// <summary>The default value is 0.</summary>
    public const int Seed = 0;

    /// <summary>The default value is 0.95 (95% intervals).</summary>
    public const double ConfidenceLevel = 0.95;

    /// <summary>The default value is 64 random subsets per problem and k where an estimate is Monte Carlo.</summary>
    public const int MonteCarloDraws = 64;

    /// <summary>The default value is 100,000 multiply-adds per problem and k for the exact maj@k DP.</summary>
    public const long MajorityExactBudget = 100_000;

    /// <summary>The default value is 20,000 subsets enumerated per problem and k for exact weighted majority.</summary>
    public const long WeightedMajorityEnumerationLimit = 20_000;

    /// <summary>The default value is <see cref="PrmAggregation.Min"/> for the PRM row of the table.</summary>
    public const PrmAggregation TablePrmAggregation = PrmAggregation.Min;
}
