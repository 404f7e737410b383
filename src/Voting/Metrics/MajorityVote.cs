using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BestOfN.Voting.Metrics;

/// <summary>
/// maj@k, self-consistency (Wang et al. 2023, "Self-Consistency Improves Chain of Thought Reasoning"): the most
/// frequent answer key of a uniformly random k-subset wins, ties broken uniformly at random; abstaining samples (empty
/// key) never win, and a subset with no answer at all is wrong.
/// <para>
/// Exact: the cluster counts of a random k-subset are multivariate hypergeometric. For each correct cluster j and each
/// count t it takes, a DP over the other clusters counts the subsets in which every other cluster takes at most t and
/// s of them exactly t; each such subset gives j the win with probability 1/(s+1). The DP costs about
/// Σ_t (S_t+1)(k-t+1) Σ_i (min(m_i,t)+1) multiply-adds (S_t = most possible ties); when that exceeds the budget, or
/// C(N, k) would overflow a double, the Monte Carlo estimate is used instead.
/// </para>
/// <para>
/// Monte Carlo (fixed seed, with its standard error): for each correct cluster j, the count t that j takes is
/// integrated out exactly (it is hypergeometric), and only the other clusters are simulated, by a partial Fisher-Yates
/// shuffle whose prefixes are uniform subsets of every size at once. Ties are scored by their expected share
/// (1 / number tied), the conditional expectation of random tie breaking. Both keep the mean and cut the variance.
/// </para>
/// </summary>
public static class MajorityVote
{
    /// <summary>Exact expected maj@k (any size; may be slow for large inputs, see <see cref="ExactCost"/>).</summary>
    public static double Exact(IReadOnlyList<string> answerKeys, IReadOnlyList<bool> correct, int k)
    {
        var clusters = new AnswerClusters(answerKeys, correct);
        CheckK(k, clusters.SampleCount);
        return Exact(clusters, k);
    }

    /// <summary>Monte Carlo maj@k over <paramref name="draws"/> random k-subsets, with the variance of the mean.</summary>
    public static Estimate MonteCarlo(IReadOnlyList<string> answerKeys, IReadOnlyList<bool> correct, int k, int draws, ulong seed)
    {
        var clusters = new AnswerClusters(answerKeys, correct);
        CheckK(k, clusters.SampleCount);
        var result = new Estimate[1];
        var random = new FastRandom(seed);
        MonteCarlo(clusters, [k], draws, ref random, result);
        return result[0];
    }

    /// <summary>Estimated multiply-adds of the exact DP, or long.MaxValue when it is out of reach.</summary>
    public static long ExactCost(IReadOnlyList<string> answerKeys, IReadOnlyList<bool> correct, int k) =>
        ExactCost(new AnswerClusters(answerKeys, correct), k, long.MaxValue);

    internal static void CheckK(int k, int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, n);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static long ExactCost(AnswerClusters clusters, int k, long budget)
    {
        var n = clusters.SampleCount;
        if (k == n || clusters.Sizes.Length == 0)
        {
            return clusters.Sizes.Length;
        }
        if (Binomial.LogChoose(n, k) > 700)
        {
            return long.MaxValue;
        }
        var sizes = clusters.Sizes;
        var others = sizes.Length - 1;
        long cost = 0;
        for (var j = 0; j < sizes.Length; j++)
        {
            if (!clusters.IsCorrect[j])
            {
                continue;
            }
            for (var t = 1; t <= Math.Min(sizes[j], k); t++)
            {
                var rest = k - t;
                long width = Math.Min(clusters.AbstainCount, rest) + 1;
                for (var i = 0; i < sizes.Length; i++)
                {
                    if (i != j) width += Math.Min(sizes[i], t) + 1;
                }
                long ties = Math.Min(others, rest / t) + 1;
                cost += ties * (rest + 1) * width;
                if (cost > budget)
                {
                    return long.MaxValue;
                }
            }
        }
        return cost;
    }

    internal static double Exact(AnswerClusters clusters, int k)
    {
        var sizes = clusters.Sizes;
        var n = clusters.SampleCount;
        if (sizes.Length == 0)
        {
            return 0;
        }
        if (k == n)
        {
            var top = sizes.Max();
            int atTop = 0, correctAtTop = 0;
            for (var c = 0; c < sizes.Length; c++)
            {
                if (sizes[c] != top) continue;
                atTop++;
                if (clusters.IsCorrect[c]) correctAtTop++;
            }
            return (double)correctAtTop / atTop;
        }

        var total = 0.0;
        for (var j = 0; j < sizes.Length; j++)
        {
            if (!clusters.IsCorrect[j])
            {
                continue;
            }
            var ownRow = Binomial.Row(sizes[j], Math.Min(sizes[j], k));
            for (var t = 1; t <= Math.Min(sizes[j], k); t++)
            {
                total += ownRow[t] * SubsetsWhereOthersStayAtMost(clusters, j, t, k - t);
            }
        }
        return total / Binomial.Choose(n, k);
    }

    /// <summary>
    /// Σ over ways to pick <paramref name="rest"/> samples outside cluster <paramref name="winner"/> with every other
    /// cluster taking at most <paramref name="t"/>, of 1/(1 + number of clusters taking exactly t).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double SubsetsWhereOthersStayAtMost(AnswerClusters clusters, int winner, int t, int rest)
    {
        var sizes = clusters.Sizes;
        var maxTies = Math.Min(sizes.Length - 1, rest / t);
        var width = rest + 1;
        var dp = new double[(maxTies + 1) * width];
        var next = new double[dp.Length];

        // Abstaining samples: any number, no cap.
        var abstainRow = Binomial.Row(clusters.AbstainCount, Math.Min(clusters.AbstainCount, rest));
        for (var x = 0; x < abstainRow.Length; x++)
        {
            dp[x] = abstainRow[x];
        }
        var reachedTies = 0;
        for (var i = 0; i < sizes.Length; i++)
        {
            if (i == winner)
            {
                continue;
            }
            var row = Binomial.Row(sizes[i], Math.Min(sizes[i], t));
            var below = Math.Min(sizes[i], t - 1);
            var canTie = sizes[i] >= t;
            Array.Clear(next);
            for (var s = 0; s <= reachedTies; s++)
            {
                var from = s * width;
                for (var used = 0; used <= rest; used++)
                {
                    var ways = dp[from + used];
                    if (ways == 0) continue;
                    var limit = Math.Min(below, rest - used);
                    for (var x = 0; x <= limit; x++)
                    {
                        next[from + used + x] += ways * row[x];
                    }
                    if (canTie && s < maxTies && used + t <= rest)
                    {
                        next[from + width + used + t] += ways * row[t];
                    }
                }
            }
            if (canTie && reachedTies < maxTies) reachedTies++;
            (dp, next) = (next, dp);
        }
        var sum = 0.0;
        for (var s = 0; s <= reachedTies; s++)
        {
            sum += dp[s * width + rest] / (s + 1);
        }
        return sum;
    }

    /// <param name="ks">Distinct subset sizes in ascending order, each at most the sample count.</param>
    internal static void MonteCarlo(AnswerClusters clusters, ReadOnlySpan<int> ks, int draws, ref FastRandom random, Span<Estimate> results)
    {
        var sums = new double[ks.Length];
        var variances = new double[ks.Length];
        for (var j = 0; j < clusters.Sizes.Length; j++)
        {
            if (clusters.IsCorrect[j])
            {
                WinProbabilityByConditioning(clusters, j, ks, draws, ref random, sums, variances);
            }
        }
        for (var i = 0; i < ks.Length; i++)
        {
            results[i] = new Estimate(sums[i], variances[i]);
        }
    }

    /// <summary>
    /// Monte Carlo for P(cluster j wins), conditioning on j's count t, whose law is exactly hypergeometric,
    /// h(t) = C(m_j, t) C(N - m_j, k - t) / C(N, k). Given t, the other k - t samples are a uniform subset of the
    /// non-j samples: the first k - t of a random permutation of them. One permutation serves every t and k:
    /// a draw scores Σ_t h(t) · share(t, top count and ties of the others' prefix of length k - t).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WinProbabilityByConditioning(
        AnswerClusters clusters, int j, ReadOnlySpan<int> ks, int draws, ref FastRandom random, double[] sums, double[] variances)
    {
        var n = clusters.SampleCount;
        var own = clusters.Sizes[j];
        var othersCount = n - own;
        // Abstaining samples get their own slot, whose count starts far below zero so it never reaches the top.
        var abstainSlot = clusters.Sizes.Length;
        var deck = new int[othersCount];
        for (int i = 0, d = 0; i < n; i++)
        {
            var c = clusters.ClusterOfSample[i];
            if (c != j) deck[d++] = c < 0 ? abstainSlot : c;
        }

        // Support and weights of t for each k, dropping weights below 1e-18 (their total is below 1e-15), with tail
        // sums so that a draw costs O(log support) per k: see below.
        var tFrom = new int[ks.Length];
        var weights = new double[ks.Length][];
        var tails = new double[ks.Length][];
        var deepest = 0;
        var logFactorial = LogFactorials(n);
        for (var i = 0; i < ks.Length; i++)
        {
            var k = ks[i];
            var lo = Math.Max(1, k - othersCount);
            var hi = Math.Min(own, k);
            var logTotal = LogChoose(logFactorial, n, k);
            var w = new List<double>();
            var first = -1;
            for (var t = lo; t <= hi; t++)
            {
                var h = Math.Exp(LogChoose(logFactorial, own, t) + LogChoose(logFactorial, othersCount, k - t) - logTotal);
                if (h < 1e-18 && first < 0) continue;
                if (first < 0) first = t;
                w.Add(h);
            }
            while (w.Count > 0 && w[^1] < 1e-18) w.RemoveAt(w.Count - 1);
            tFrom[i] = first < 0 ? 1 : first;
            weights[i] = [.. w];
            var tail = new double[w.Count + 1];
            for (var q = w.Count - 1; q >= 0; q--) tail[q] = tail[q + 1] + w[q];
            tails[i] = tail;
            if (w.Count > 0) deepest = Math.Max(deepest, k - tFrom[i]);
        }

        var counts = new int[clusters.Sizes.Length + 1];
        var topAt = new int[deepest + 1];
        var tiedAt = new int[deepest + 1];
        var drawSums = new double[ks.Length];
        var drawSquares = new double[ks.Length];
        var rng = random;
        // Hot loop: indices are in range by construction (swap < othersCount, p < deepest), so it skips bounds checks.
        ref var deckAt = ref MemoryMarshal.GetArrayDataReference(deck);
        ref var countAt = ref MemoryMarshal.GetArrayDataReference(counts);
        ref var topAtRef = ref MemoryMarshal.GetArrayDataReference(topAt);
        ref var tiedAtRef = ref MemoryMarshal.GetArrayDataReference(tiedAt);
        for (var draw = 0; draw < draws; draw++)
        {
            Array.Clear(counts);
            counts[abstainSlot] = int.MinValue / 2;
            int top = 0, atTop = 0;
            for (var p = 0; p < deepest; p++)
            {
                var swap = p + rng.NextBelow(othersCount - p);
                var c = Unsafe.Add(ref deckAt, swap);
                Unsafe.Add(ref deckAt, swap) = Unsafe.Add(ref deckAt, p);
                Unsafe.Add(ref deckAt, p) = c;
                // Branch-free (conditional moves): which cluster leads is a coin flip the predictor cannot learn.
                var count = ++Unsafe.Add(ref countAt, c);
                var isNewTop = count > top;
                atTop = isNewTop ? 1 : atTop + (count == top ? 1 : 0);
                top = isNewTop ? count : top;
                Unsafe.Add(ref topAtRef, p + 1) = top;
                Unsafe.Add(ref tiedAtRef, p + 1) = atTop;
            }
            for (var i = 0; i < ks.Length; i++)
            {
                // The others' top count at prefix k - t never grows as t grows, so t - top(k - t) is strictly
                // increasing: j loses below some t*, can tie only at t*, and wins above it.
                var w = weights[i];
                int k = ks[i], from = tFrom[i], lo = 0, hi = w.Length;
                while (lo < hi)
                {
                    var mid = (lo + hi) >> 1;
                    var t = from + mid;
                    if (t >= topAt[k - t]) hi = mid;
                    else lo = mid + 1;
                }
                var value = 0.0;
                if (lo < w.Length)
                {
                    var t = from + lo;
                    value = t == topAt[k - t]
                        ? w[lo] / (tiedAt[k - t] + 1) + tails[i][lo + 1]
                        : tails[i][lo];
                }
                drawSums[i] += value;
                drawSquares[i] += value * value;
            }
        }
        random = rng;
        for (var i = 0; i < ks.Length; i++)
        {
            var estimate = MeanWithVariance(drawSums[i], drawSquares[i], draws);
            sums[i] += estimate.Value;
            variances[i] += estimate.Variance!.Value;
        }
    }

    private static double[] LogFactorials(int n)
    {
        var table = new double[n + 1];
        for (var i = 2; i <= n; i++) table[i] = table[i - 1] + Math.Log(i);
        return table;
    }

    private static double LogChoose(double[] logFactorial, int n, int k) =>
        logFactorial[n] - logFactorial[k] - logFactorial[n - k];

    internal static Estimate MeanWithVariance(double sum, double squares, int draws)
    {
        var mean = sum / draws;
        var sampleVariance = draws > 1 ? Math.Max(0, (squares - draws * mean * mean) / (draws - 1)) : 0;
        return new Estimate(mean, sampleVariance / draws);
    }
}
