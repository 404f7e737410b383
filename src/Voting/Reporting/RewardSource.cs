using BestOfN.Voting.Metrics;

namespace BestOfN.Voting.Reporting;

/// <summary>The reward that weights weighted majority voting: the ORM score, or a PRM aggregation.</summary>
public readonly record struct RewardSource(PrmAggregation? Prm)
{
    public static RewardSource Orm { get; } = new(null);

    public static RewardSource FromPrm(PrmAggregation aggregation) => new(aggregation);

    public bool IsOrm => Prm is null;

    /// <summary>"orm" or "prm_min", "prm_last", "prm_prod", "prm_mean", "prm_geomean".</summary>
    public string Name => Prm is { } a ? a.MetricName() : MetricNames.Orm;

    public static bool TryParse(string name, out RewardSource source)
    {
        if (string.Equals(name, MetricNames.Orm, StringComparison.OrdinalIgnoreCase))
        {
            source = Orm;
            return true;
        }
        if (name.StartsWith("prm_", StringComparison.OrdinalIgnoreCase) && PrmAggregations.TryParse(name[4..], out var aggregation))
        {
            source = FromPrm(aggregation);
            return true;
        }
        source = default;
        return false;
    }

    public override string ToString() => Name;
}
