using BestOfN.Voting.Samples;

namespace BestOfN.Voting.Reporting;

/// <summary>
/// Every metric's expectation at every k, per problem. Computing these once makes a bootstrap resample or a breakdown
/// a weighted mean over problems.
/// </summary>
public sealed class ProblemCurves
{
    private readonly double[][] _values;
    private readonly double[]?[] _variances;

    internal ProblemCurves(
        IReadOnlyList<string> problemIds,
        IReadOnlyList<IReadOnlyDictionary<string, string>> fields,
        int[] sampleCounts,
        IReadOnlyList<int> ks,
        IReadOnlyList<string> metrics,
        double[][] values,
        double[]?[] variances,
        RewardSource? weightedBy,
        int[] splitAnswerKeys,
        IReadOnlyList<string> notes)
    {
        SplitAnswerKeys = splitAnswerKeys;
        Notes = notes;
        ProblemIds = problemIds;
        Fields = fields;
        SampleCounts = sampleCounts;
        Ks = ks;
        Metrics = metrics;
        _values = values;
        _variances = variances;
        WeightedBy = weightedBy;
    }

    public IReadOnlyList<string> ProblemIds { get; }

    public IReadOnlyList<IReadOnlyDictionary<string, string>> Fields { get; }

    public IReadOnlyList<int> SampleCounts { get; }

    public IReadOnlyList<int> Ks { get; }

    /// <summary>The metrics present, in output order (see <see cref="MetricNames"/>).</summary>
    public IReadOnlyList<string> Metrics { get; }

    public RewardSource? WeightedBy { get; }

    /// <summary>Per problem, the answer keys split because their labels disagree (<see cref="ProblemSamples.SplitAnswerKeys"/>).</summary>
    public IReadOnlyList<int> SplitAnswerKeys { get; }

    /// <summary>What a reader must know: score kinds left out and why.</summary>
    public IReadOnlyList<string> Notes { get; }

    public int ProblemCount => ProblemIds.Count;

    public int MaxSamples => SampleCounts.Count == 0 ? 0 : SampleCounts.Max();

    /// <summary>Problem <paramref name="problem"/>'s expectation of <paramref name="metric"/> at k = Ks[kIndex].</summary>
    public double Value(int metric, int kIndex, int problem) => _values[Slot(metric, kIndex)][problem];

    /// <summary>The variance of a Monte Carlo value, or null when the value is exact.</summary>
    public double? Variance(int metric, int kIndex, int problem) =>
        _variances[Slot(metric, kIndex)] is { } v && !double.IsNaN(v[problem]) ? v[problem] : null;

    internal double[] ValuesOf(int metric, int kIndex) => _values[Slot(metric, kIndex)];

    /// <summary>Variances per problem (NaN where exact), or null when the whole column is exact.</summary>
    internal double[]? VariancesOf(int metric, int kIndex) => _variances[Slot(metric, kIndex)];

    private int Slot(int metric, int kIndex) => metric * Ks.Count + kIndex;
}
