using System.Numerics;
using System.Runtime.CompilerServices;

namespace BestOfN.Voting.Metrics;

/// <summary>
/// Reward-ranked best-of-k (ORM@k, PRM@k): the expected correctness of the highest-reward sample of a uniformly random
/// k-subset, exactly, from order statistics. With the N rewards sorted ascending, the item ranked r-th from the bottom
/// is the maximum of a random k-subset with probability C(r-1, k-1) / C(N, k). A block of tied items occupying ranks
/// lo..hi holds the maximum with probability (C(hi, k) - C(lo-1, k)) / C(N, k) (hockey-stick identity), and the
/// winner is then uniform among the tied items drawn, so by exchangeability the block contributes that probability
/// times its fraction of correct items ("ties are shared evenly").
/// </summary>
public static class BestOfK
{
    public static double Expected(IReadOnlyList<double> rewards, IReadOnlyList<bool> correct, int k)
    {
        var ranking = new RankedSamples([.. rewards], [.. correct]);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, ranking.Count);
        return ranking.Expected(k);
    }
}

/// <summary>Samples sorted by reward once, grouped into tie blocks, so each k costs O(N - k).</summary>
internal sealed class RankedSamples
{
    private readonly int[] _blockEnd;
    private readonly double[] _blockCorrectFraction;

    public RankedSamples(ReadOnlySpan<double> rewards, ReadOnlySpan<bool> correct)
    {
        if (rewards.Length != correct.Length)
        {
            throw new ArgumentException("rewards and correct flags differ in length");
        }
        if (rewards.Length == 0)
        {
            throw new ArgumentException("best-of-k needs at least one sample", nameof(rewards));
        }
        Count = rewards.Length;
        // Sorting the rewards of correct and of wrong samples apart, then merging, is cheaper than a keyed sort.
        var correctCount = 0;
        for (var i = 0; i < Count; i++)
        {
            if (double.IsNaN(rewards[i]))
            {
                throw new ArgumentException($"reward {i} is NaN", nameof(rewards));
            }
            if (correct[i]) correctCount++;
        }
        var ofCorrect = new double[correctCount];
        var ofWrong = new double[Count - correctCount];
        for (int i = 0, c = 0, w = 0; i < Count; i++)
        {
            if (correct[i]) ofCorrect[c++] = rewards[i];
            else ofWrong[w++] = rewards[i];
        }
        RadixSort.Sort(ofCorrect);
        RadixSort.Sort(ofWrong);
        var ends = new int[Count];
        var fractions = new double[Count];
        int inCorrect = 0, inWrong = 0, blocks = 0, start = 0;
        while (inCorrect < ofCorrect.Length || inWrong < ofWrong.Length)
        {
            var value = inWrong == ofWrong.Length || (inCorrect < ofCorrect.Length && ofCorrect[inCorrect] <= ofWrong[inWrong])
                ? ofCorrect[inCorrect]
                : ofWrong[inWrong];
            var correctInBlock = 0;
            while (inCorrect < ofCorrect.Length && ofCorrect[inCorrect] == value)
            {
                correctInBlock++;
                inCorrect++;
            }
            while (inWrong < ofWrong.Length && ofWrong[inWrong] == value) inWrong++;
            var end = inCorrect + inWrong;
            ends[blocks] = end;
            fractions[blocks] = (double)correctInBlock / (end - start);
            blocks++;
            start = end;
        }
        _blockEnd = ends[..blocks];
        _blockCorrectFraction = fractions[..blocks];
    }

    public int Count { get; }

    /// <summary>
    /// For ascending <paramref name="ks"/>, walks the blocks from the top with f_k(m) = C(m, k) / C(N, k), f_k(N) = 1,
    /// f_k(m-1) = f_k(m)(m-k)/m, all k at once. A k drops out once f_k is 0 (m ≤ k) or below 1e-18 at a block boundary:
    /// f_k(m) bounds the total probability of all lower ranks, so what is skipped is below double precision. Since
    /// f_k(m) decreases in k, the k still running are always the smallest ones.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Expected(ReadOnlySpan<int> ks, Span<double> results)
    {
        var reciprocal = Binomial.Reciprocals(Count);
        // The k run side by side in SIMD lanes, padded with k = Count (f drops to 0 at once and is never read).
        var width = Vector<double>.Count;
        var padded = (ks.Length + width - 1) / width * width;
        var kValues = new double[padded];
        var f = new double[padded];
        var atEnd = new double[padded];
        for (var i = 0; i < padded; i++)
        {
            kValues[i] = i < ks.Length ? ks[i] : Count;
            f[i] = 1;
        }
        results[..ks.Length].Clear();
        var active = ks.Length;
        var m = Count;
        for (var b = _blockEnd.Length - 1; b >= 0 && active > 0; b--)
        {
            Array.Copy(f, atEnd, padded);
            var blockStart = b == 0 ? 0 : _blockEnd[b - 1];
            var lanes = (active + width - 1) / width * width;
            for (; m > blockStart; m--)
            {
                var mVector = new Vector<double>(m);
                var inverse = new Vector<double>(reciprocal[m]);
                for (var i = 0; i < lanes; i += width)
                {
                    var factor = Vector.Max(mVector - new Vector<double>(kValues, i), Vector<double>.Zero) * inverse;
                    (new Vector<double>(f, i) * factor).CopyTo(f, i);
                }
            }
            var fraction = _blockCorrectFraction[b];
            for (var i = 0; i < active; i++)
            {
                results[i] += (atEnd[i] - f[i]) * fraction;
            }
            while (active > 0 && f[active - 1] < NegligibleProbability) active--;
        }
    }

    public double Expected(int k)
    {
        Span<double> result = stackalloc double[1];
        Expected([k], result);
        return result[0];
    }

    private const double NegligibleProbability = 1e-18;
}
