using BestOfN.Voting.Metrics;

namespace BestOfN.Voting.Reporting;

/// <summary>Options of a voting report. Call <see cref="Validate"/> (or let the report call it) before a run.</summary>
public sealed record VotingOptions
{
    /// <summary>
    /// The subset sizes k. Null means 1, 2, 4, … up to the largest sample count N, plus N itself. A problem with fewer
    /// samples n than k uses all of them (k is capped at n), and every curve point reports how many problems were capped.
    /// </summary>
    public IReadOnlyList<int>? Ks { get; init; }

    /// <summary>Bootstrap resamples over problems for the confidence intervals; 0 disables the intervals.</summary>
    public int BootstrapResamples { get; init; } = VotingDefaults.BootstrapResamples;

    /// <summary>Seeds the bootstrap and every Monte Carlo estimate.</summary>
    public int Seed { get; init; } = VotingDefaults.Seed;

    public double ConfidenceLevel { get; init; } = VotingDefaults.ConfidenceLevel;

    public int MonteCarloDraws { get; init; } = VotingDefaults.MonteCarloDraws;

    /// <summary>maj@k is exact when its DP needs at most this many multiply-adds; 0 forces Monte Carlo (except k = n).</summary>
    public long MajorityExactBudget { get; init; } = VotingDefaults.MajorityExactBudget;

    /// <summary>Weighted majority is exact when C(n, k) is at most this; 0 forces Monte Carlo.</summary>
    public long WeightedMajorityEnumerationLimit { get; init; } = VotingDefaults.WeightedMajorityEnumerationLimit;

    /// <summary>The weighted-majority reward. Null means the ORM score, or prm_min when there is no ORM score.</summary>
    public RewardSource? WeightBy { get; init; }

    /// <summary>The PRM aggregation of the table's PRM row.</summary>
    public PrmAggregation TablePrmAggregation { get; init; } = VotingDefaults.TablePrmAggregation;

    /// <summary>Problem fields (e.g. level, subject) to break every curve down by.</summary>
    public IReadOnlyList<string> BreakdownFields { get; init; } = [];

    /// <summary>How ORM@k and PRM@k pick an answer: the expectation over random k-subsets with ties shared (the default), or RLHFlow's
    /// table rule, the first sample with the highest score among the first k in stored order. The default value is <see cref="RewardSelection.Subsets"/>.</summary>
    public RewardSelection Selection { get; init; } = RewardSelection.Subsets;

    /// <summary>Every problem with the options, not just the first.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Ks is { } ks)
        {
            if (ks.Count == 0) errors.Add("Ks must not be empty (leave it null for the default powers of two).");
            foreach (var k in ks.Where(k => k < 1).Distinct()) errors.Add($"k = {k} is not a positive subset size.");
        }
        if (BootstrapResamples < 0) errors.Add($"BootstrapResamples must be ≥ 0, got {BootstrapResamples}.");
        if (!(ConfidenceLevel > 0 && ConfidenceLevel < 1)) errors.Add($"ConfidenceLevel must be in (0, 1), got {ConfidenceLevel}.");
        if (MonteCarloDraws < 2) errors.Add($"MonteCarloDraws must be ≥ 2 to estimate a standard error, got {MonteCarloDraws}.");
        if (MajorityExactBudget < 0) errors.Add($"MajorityExactBudget must be ≥ 0, got {MajorityExactBudget}.");
        if (WeightedMajorityEnumerationLimit < 0) errors.Add($"WeightedMajorityEnumerationLimit must be ≥ 0, got {WeightedMajorityEnumerationLimit}.");
        if (!Enum.IsDefined(TablePrmAggregation)) errors.Add($"TablePrmAggregation {TablePrmAggregation} is unknown.");
        if (WeightBy is { Prm: { } prm } && !Enum.IsDefined(prm)) errors.Add($"WeightBy {prm} is unknown.");
        if (!Enum.IsDefined(Selection)) errors.Add($"Selection {Selection} is unknown.");
        foreach (var field in BreakdownFields.Where(string.IsNullOrWhiteSpace)) errors.Add("A breakdown field name is empty.");
        return errors;
    }

    public void ThrowIfInvalid()
    {
        var errors = Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid voting options:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
        }
    }
}

/// <summary>How reward-ranked best-of-k picks an answer.</summary>
public enum RewardSelection
{
    /// <summary>The expected correctness over uniformly random k-subsets, tied top scores sharing the win (exact).</summary>
    Subsets,

    /// <summary>RLHFlow's table: among the first k samples in stored order, the first one with the highest score.</summary>
    FirstN,
}
