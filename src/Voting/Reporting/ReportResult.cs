namespace BestOfN.Voting.Reporting;

/// <summary>
/// One curve point: the mean over problems of each problem's expectation at k. <see cref="StandardError"/> is null when
/// every problem's value is exact, otherwise the Monte Carlo standard error of the mean. The interval is the bootstrap
/// percentile interval (null without bootstrap). <see cref="CappedProblems"/> counts problems with fewer than k samples,
/// which used all of theirs.
/// </summary>
public sealed record CurvePoint(int K, double Value, double? CiLow, double? CiHigh, double? StandardError, int CappedProblems);

public sealed record MetricCurve(string Metric, IReadOnlyList<CurvePoint> Points)
{
    public CurvePoint? At(int k) => Points.FirstOrDefault(p => p.K == k);
}

/// <summary>Curves over a set of problems: all of them (Field and Group null) or those with Field = Group.</summary>
public sealed record CurveSet(string? Field, string? Group, int ProblemCount, IReadOnlyList<MetricCurve> Curves)
{
    public MetricCurve? this[string metric] => Curves.FirstOrDefault(c => c.Metric == metric);
}

/// <param name="Ks">The k of every curve point, ascending.</param>
/// <param name="MaxSamples">The largest sample count of any problem (the N of the table).</param>
/// <param name="WeightedBy">The reward of weighted majority, or null when there is no reward.</param>
public sealed record ReportResult(
    CurveSet Overall,
    IReadOnlyList<CurveSet> Breakdowns,
    IReadOnlyList<int> Ks,
    int MaxSamples,
    RewardSource? WeightedBy,
    int BootstrapResamples,
    double ConfidenceLevel);

/// <summary>A named report: one column of the table.</summary>
public sealed record DatasetReport(string Name, ReportResult Result);
