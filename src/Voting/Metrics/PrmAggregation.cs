using System.Runtime.CompilerServices;

namespace BestOfN.Voting.Metrics;

/// <summary>
/// How PRM step scores become one solution score: the product is the solution score of Lightman et al. 2023,
/// "Let's Verify Step by Step"; the min is the one of Wang et al. 2024, "Math-Shepherd"; last is the final step's
/// score (search-and-learn's "last"); mean and geometric mean (length-normalised product) complete the set.
/// Product and geometric mean need non-negative step scores (probabilities).
/// </summary>
public enum PrmAggregation
{
    Min,
    Last,
    Product,
    Mean,
    GeometricMean,
}

public static class PrmAggregations
{
    public static IReadOnlyList<PrmAggregation> All { get; } = Enum.GetValues<PrmAggregation>();

    /// <summary>The short name used on the command line ("min", "last", "prod", "mean", "geomean").</summary>
    public static string ShortName(this PrmAggregation aggregation) => aggregation switch
    {
        PrmAggregation.Min => "min",
        PrmAggregation.Last => "last",
        PrmAggregation.Product => "prod",
        PrmAggregation.Mean => "mean",
        PrmAggregation.GeometricMean => "geomean",
        _ => throw new ArgumentOutOfRangeException(nameof(aggregation)),
    };

    /// <summary>The curve name, "prm_" + short name.</summary>
    public static string MetricName(this PrmAggregation aggregation) => "prm_" + aggregation.ShortName();

    public static bool TryParse(string name, out PrmAggregation aggregation)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.ShortName(), name, StringComparison.OrdinalIgnoreCase)
                || string.Equals(candidate.MetricName(), name, StringComparison.OrdinalIgnoreCase)
                || string.Equals(candidate.ToString(), name, StringComparison.OrdinalIgnoreCase))
            {
                aggregation = candidate;
                return true;
            }
        }
        aggregation = default;
        return false;
    }

    /// <summary>Aggregates a non-empty list of finite step scores.</summary>
    public static double Apply(this PrmAggregation aggregation, IReadOnlyList<double> steps)
    {
        if (steps.Count == 0)
        {
            throw new ArgumentException("a PRM score needs at least one step score", nameof(steps));
        }
        switch (aggregation)
        {
            case PrmAggregation.Min:
                return steps.Min();
            case PrmAggregation.Last:
                return steps[^1];
            case PrmAggregation.Mean:
                return steps.Average();
            case PrmAggregation.Product:
            case PrmAggregation.GeometricMean:
                var (product, logProduct) = ProductAndLog(steps);
                return aggregation == PrmAggregation.Product ? product : GeometricMean(product, logProduct, steps.Count);
            default:
                throw new ArgumentOutOfRangeException(nameof(aggregation));
        }
    }

    /// <summary>
    /// Fills, per aggregation (indexed by its enum value), a key that orders solutions as <see cref="Apply"/> does, in
    /// one pass. For the product the key is its logarithm, taken as the sum of step logarithms where the product
    /// underflows, so long solutions do not all tie at 0. Steps must be non-empty, finite and non-negative.
    /// </summary>
    internal static void RankingKeys(IReadOnlyList<double> steps, Span<double> keys)
    {
        var min = double.PositiveInfinity;
        var sum = 0.0;
        var count = steps.Count;
        for (var i = 0; i < count; i++)
        {
            var s = steps[i];
            if (s < min) min = s;
            sum += s;
        }
        var (product, logProduct) = ProductAndLog(steps);
        keys[(int)PrmAggregation.Min] = min;
        keys[(int)PrmAggregation.Last] = steps[count - 1];
        keys[(int)PrmAggregation.Product] = logProduct;
        keys[(int)PrmAggregation.Mean] = sum / count;
        keys[(int)PrmAggregation.GeometricMean] = GeometricMean(product, logProduct, count);
    }

    /// <summary>The product of the steps and its logarithm (one log per solution unless the product underflows).</summary>
    private static (double Product, double Log) ProductAndLog(IReadOnlyList<double> steps)
    {
        var product = 1.0;
        for (var i = 0; i < steps.Count; i++)
        {
            if (steps[i] < 0) throw new ArgumentException("the product and geometric mean need non-negative step scores", nameof(steps));
            product *= steps[i];
        }
        if (product >= UnderflowGuard)
        {
            return (product, Math.Log(product));
        }
        var logSum = 0.0;
        for (var i = 0; i < steps.Count; i++) logSum += Math.Log(steps[i]);
        return (product, logSum);
    }

    private static double GeometricMean(double product, double logProduct, int count) =>
        product >= UnderflowGuard ? Math.Pow(product, 1.0 / count) : Math.Exp(logProduct / count);

    private const double UnderflowGuard = 1e-290;
}
