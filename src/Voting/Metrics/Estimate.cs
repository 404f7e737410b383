namespace BestOfN.Voting.Metrics;

/// <summary>
/// An expectation for one problem at one k: exact when <see cref="Variance"/> is null, otherwise a Monte Carlo mean
/// with the variance of that mean (sample variance / draws).
/// </summary>
public readonly record struct Estimate(double Value, double? Variance)
{
    public static Estimate Exact(double value) => new(value, null);

    public bool IsExact => Variance is null;

    public double? StandardError => Variance is { } v ? Math.Sqrt(v) : null;
}
