using BestOfN.Voting.Metrics;

namespace BestOfN.Voting.Reporting;

/// <summary>The curve names used in the JSON and CSV outputs.</summary>
public static class MetricNames
{
    /// <summary>Unbiased pass@k; also the oracle reference line.</summary>
    public const string Pass = "pass";
    public const string Majority = "maj";
    public const string WeightedMajority = "weighted_maj";
    public const string Orm = "orm";
    public static readonly string PrmMin = PrmAggregation.Min.MetricName();
    public static readonly string PrmLast = PrmAggregation.Last.MetricName();
    public static readonly string PrmProduct = PrmAggregation.Product.MetricName();
    public static readonly string PrmMean = PrmAggregation.Mean.MetricName();
    public static readonly string PrmGeometricMean = PrmAggregation.GeometricMean.MetricName();

    /// <summary>Random reference line: the expected accuracy of one sample (flat in k).</summary>
    public const string Random = "random";
}
