using System.Numerics;
using System.Runtime.CompilerServices;
using BestOfN.Voting.Metrics;

namespace BestOfN.Voting.Reporting;

/// <summary>
/// Nonparametric bootstrap over problems (Efron 1979, "Bootstrap Methods: Another Look at the Jackknife"), with
/// percentile intervals (Efron and Tibshirani 1993, "An Introduction to the Bootstrap", ch. 13). A resample draws
/// P problems with replacement; since each problem's expectation is precomputed, its statistic is the mean of the
/// per-problem values weighted by how often each problem was drawn.
/// </summary>
internal static class Bootstrap
{
    /// <param name="columns">Per statistic, the per-problem values (all of the same length P).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (double Low, double High)[] PercentileIntervals(IReadOnlyList<double[]> columns, int resamples, double level, ulong seed)
    {
        var intervals = new (double, double)[columns.Count];
        if (columns.Count == 0 || resamples == 0)
        {
            return intervals;
        }
        var problems = columns[0].Length;
        var random = new FastRandom(seed);
        var multiplicity = new double[problems];
        var statistics = new double[columns.Count][];
        for (var c = 0; c < columns.Count; c++) statistics[c] = new double[resamples];
        for (var b = 0; b < resamples; b++)
        {
            Array.Clear(multiplicity);
            for (var i = 0; i < problems; i++) multiplicity[random.NextBelow(problems)] += 1;
            for (var c = 0; c < columns.Count; c++)
            {
                statistics[c][b] = Dot(multiplicity, columns[c]) / problems;
            }
        }
        var tail = (1 - level) / 2;
        for (var c = 0; c < columns.Count; c++)
        {
            Array.Sort(statistics[c]);
            intervals[c] = (Quantile(statistics[c], tail), Quantile(statistics[c], 1 - tail));
        }
        return intervals;
    }

    /// <summary>Linear interpolation between order statistics (Hyndman and Fan 1996, type 7).</summary>
    internal static double Quantile(double[] sorted, double q)
    {
        var h = (sorted.Length - 1) * q;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    private static double Dot(double[] a, double[] b)
    {
        var width = Vector<double>.Count;
        var acc = Vector<double>.Zero;
        var i = 0;
        for (; i <= a.Length - width; i += width)
        {
            acc += new Vector<double>(a, i) * new Vector<double>(b, i);
        }
        var sum = Vector.Sum(acc);
        for (; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }
}
