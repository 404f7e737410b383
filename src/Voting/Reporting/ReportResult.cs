namespace BestOfN.Voting.Reporting;

/// <summary>
/// One curve point: the mean over problems of each problem's expectation at k. <see cref="StandardError"/> is null when
/// every problem's value is exact, otherwise the Monte Carlo standard error of the mean. The interval is the bootstrap
/// percentile interval (null without bootstrap). <see cref="CappedProblems"/> counts problems with fewer than k samples,
/// which used all of theirs; <see cref="MinKUsed"/> and <see cref="MaxKUsed"/> are the smallest and largest subset size actually
/// used (both equal <see cref="K"/> when no problem is capped).
/// </summary>
public sealed record CurvePoint(int K, double Value, double? CiLow, double? CiHigh, double? StandardError, int CappedProblems)
{
    public int MinKUsed { get; init; } = K;

    public int MaxKUsed { get; init; } = K;
}

public sealed record MetricCurve(string Metric, IReadOnlyList<CurvePoint> Points)
{
    public CurvePoint? At(int k) => Points.FirstOrDefault(p => p.K == k);
}

/// <summary>Curves over a set of problems: all of them (Field and Group null) or those with Field = Group.</summary>
public sealed record CurveSet(string? Field, string? Group, int ProblemCount, IReadOnlyList<MetricCurve> Curves)
{
    /// <summary>The set's problems with an answer key split because its labels disagree (see <see cref="Samples.ProblemSamples.SplitAnswerKeys"/>).</summary>
    public IReadOnlyList<string> SplitKeyProblems { get; init; } = [];

    /// <summary>How many answer keys were split in those problems.</summary>
    public int SplitAnswerKeys { get; init; }

    /// <summary>"all" for the whole dataset, "&lt;field&gt;=&lt;group&gt;" for a breakdown group: the set's key in the JSON.</summary>
    public string Name => Field is null ? "all" : $"{Field}={Group}";

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
    double ConfidenceLevel)
{
    /// <summary>What a reader must know about this result: score kinds left out of it, and why.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}

/// <summary>A named report: one column of the table.</summary>
public sealed record DatasetReport(string Name, ReportResult Result);
