using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BestOfN.Voting.Metrics;

/// <summary>
/// Weighted majority@k (the "weighted best-of-N" of Li et al. 2023, "Making Large Language Models Better Reasoners
/// with Step-Aware Verifier", and of Uesato et al. 2022): in a uniformly random k-subset each answer key scores the sum
/// of its samples' rewards, the highest sum wins, exact ties are broken uniformly at random, and abstaining samples
/// (empty key) never win. No closed form is known, so it is exact by enumerating every k-subset when there are at
/// most a given number of them, and otherwise a Monte Carlo estimate (as in <see cref="MajorityVote"/>, scoring the
/// tie share).
/// </summary>
public static class WeightedMajorityVote
{
    /// <summary>Exact expected weighted maj@k by enumerating all C(N, k) subsets.</summary>
    public static double Exact(IReadOnlyList<string> answerKeys, IReadOnlyList<bool> correct, IReadOnlyList<double> weights, int k)
    {
        var clusters = new AnswerClusters(answerKeys, correct);
        MajorityVote.CheckK(k, clusters.SampleCount);
        return Enumerate(clusters, CheckWeights(weights, clusters.SampleCount), k);
    }

    public static Estimate MonteCarlo(IReadOnlyList<string> answerKeys, IReadOnlyList<bool> correct, IReadOnlyList<double> weights, int k, int draws, ulong seed)
    {
        var clusters = new AnswerClusters(answerKeys, correct);
        MajorityVote.CheckK(k, clusters.SampleCount);
        var result = new Estimate[1];
        var random = new FastRandom(seed);
        MonteCarlo(clusters, CheckWeights(weights, clusters.SampleCount), [k], draws, ref random, result);
        return result[0];
    }

    private static double[] CheckWeights(IReadOnlyList<double> weights, int n)
    {
        if (weights.Count != n)
        {
            throw new ArgumentException("one weight per sample is needed", nameof(weights));
        }
        if (weights.Any(w => !double.IsFinite(w)))
        {
            throw new ArgumentException("weights must be finite", nameof(weights));
        }
        return [.. weights];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double Enumerate(AnswerClusters clusters, double[] weights, int k)
    {
        var n = clusters.SampleCount;
        var members = new int[k];
        for (var i = 0; i < k; i++) members[i] = i;
        var sums = new double[clusters.Sizes.Length];
        var present = new bool[clusters.Sizes.Length];
        var total = 0.0;
        long subsets = 0;
        while (true)
        {
            foreach (var m in members)
            {
                var c = clusters.ClusterOfSample[m];
                if (c < 0) continue;
                sums[c] += weights[m];
                present[c] = true;
            }
            total += TieShareOfCorrect(sums, present, clusters.IsCorrect);
            foreach (var m in members)
            {
                var c = clusters.ClusterOfSample[m];
                if (c < 0) continue;
                sums[c] = 0;
                present[c] = false;
            }
            subsets++;

            var pos = k - 1;
            while (pos >= 0 && members[pos] == n - k + pos) pos--;
            if (pos < 0) break;
            members[pos]++;
            for (var i = pos + 1; i < k; i++) members[i] = members[i - 1] + 1;
        }
        return total / subsets;
    }

    /// <param name="ks">Distinct subset sizes in ascending order, each at most the sample count.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void MonteCarlo(AnswerClusters clusters, double[] weights, ReadOnlySpan<int> ks, int draws, ref FastRandom random, Span<Estimate> results)
    {
        var n = clusters.SampleCount;
        var deck = new int[n];
        for (var i = 0; i < n; i++) deck[i] = i;
        var sums = new double[clusters.Sizes.Length];
        var present = new bool[clusters.Sizes.Length];
        var valueSums = new double[ks.Length];
        var squares = new double[ks.Length];
        var deepest = ks[^1];
        var clusterOfSample = clusters.ClusterOfSample;
        var rng = random;
        // Hot loop: indices are in range by construction (swap < n, clusters < sums.Length), so reads skip bounds checks.
        ref var deckAt = ref MemoryMarshal.GetArrayDataReference(deck);
        ref var clusterAt = ref MemoryMarshal.GetArrayDataReference(clusterOfSample);
        ref var weightAt = ref MemoryMarshal.GetArrayDataReference(weights);
        ref var sumAt = ref MemoryMarshal.GetArrayDataReference(sums);
        ref var presentAt = ref MemoryMarshal.GetArrayDataReference(present);
        for (var d = 0; d < draws; d++)
        {
            Array.Clear(sums);
            Array.Clear(present);
            int next = 0, checkpoint = ks[0];
            for (var p = 0; p < deepest; p++)
            {
                var swap = p + rng.NextBelow(n - p);
                var sample = Unsafe.Add(ref deckAt, swap);
                Unsafe.Add(ref deckAt, swap) = Unsafe.Add(ref deckAt, p);
                Unsafe.Add(ref deckAt, p) = sample;
                var c = Unsafe.Add(ref clusterAt, sample);
                if (c >= 0)
                {
                    Unsafe.Add(ref sumAt, c) += Unsafe.Add(ref weightAt, sample);
                    Unsafe.Add(ref presentAt, c) = true;
                }
                if (p + 1 == checkpoint)
                {
                    var value = TieShareOfCorrect(sums, present, clusters.IsCorrect);
                    valueSums[next] += value;
                    squares[next] += value * value;
                    next++;
                    checkpoint = next < ks.Length ? ks[next] : 0;
                }
            }
        }
        random = rng;
        for (var i = 0; i < ks.Length; i++)
        {
            results[i] = MajorityVote.MeanWithVariance(valueSums[i], squares[i], draws);
        }
    }

    /// <summary>
    /// Sums within this relative distance of the top sum tie with it: floating-point addition is not associative, so 0.1 + 0.2 + 0.3
    /// and 0.6 differ in the last bit, and exact equality would make the winner depend on the order of the samples.
    /// </summary>
    public const double RelativeTieTolerance = 1e-9;

    /// <summary>(#correct present clusters at the top weight) / (#present clusters at the top weight); 0 if none present. Sums
    /// within <see cref="RelativeTieTolerance"/> of the top tie.</summary>
    internal static double TieShareOfCorrect(double[] sums, bool[] present, bool[] isCorrect)
    {
        var top = double.NegativeInfinity;
        for (var c = 0; c < sums.Length; c++)
        {
            if (present[c] && sums[c] > top) top = sums[c];
        }
        if (double.IsNegativeInfinity(top)) return 0;
        var floor = top - RelativeTieTolerance * Math.Max(Math.Abs(top), double.Epsilon);
        int atTop = 0, correctAtTop = 0;
        for (var c = 0; c < sums.Length; c++)
        {
            if (!present[c] || sums[c] < floor) continue;
            atTop++;
            if (isCorrect[c]) correctAtTop++;
        }
        return (double)correctAtTop / atTop;
    }
}
