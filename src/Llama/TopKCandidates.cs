using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using BestOfN.Llama.Native;

namespace BestOfN.Llama;

/// <summary>
/// The k largest logits of a row, found without building a candidate per vocabulary entry. A chain that starts with top-k
/// keeps only these k, sorted: when their values are distinct and the k-th is strictly above every other logit, that
/// sorted list is unique, so handing llama.cpp these k instead of the whole row draws the same token from the same RNG
/// state. On any tie that could reorder them (within the k, or at the k-th) and on NaN, the caller uses the whole row.
/// With a 128k vocabulary this is one vector compare per 8 logits instead of writing 1.5 MB of candidates and sorting them.
/// </summary>
internal static class TopKCandidates
{
    /// <summary>Writes exactly the top <paramref name="k"/> of <paramref name="logits"/> to <paramref name="candidates"/>, in
    /// vocabulary order, and returns true; returns false (candidates undefined) when the top k are not unambiguous.</summary>
    public static bool TrySelect(ReadOnlySpan<float> logits, int k, Span<LlamaTokenData> candidates, TopKScratch scratch)
    {
        if (k <= 0 || 4 * k >= logits.Length || candidates.Length < k) return false;
        scratch.EnsureCapacity(k);
        // A guess at a bar that about 2k logits clear: the r-th largest of an evenly strided sample. Whatever the guess, every
        // logit at or above the bar is kept, so a bar too high shows as fewer than k kept, and the pass is redone without one.
        var stride = Math.Max(1, logits.Length / SampleSize);
        var sample = scratch.Work(logits.Length / stride);
        for (var j = 0; j < sample.Length; j++) sample[j] = logits[j * stride];
        var rank = Math.Min(sample.Length, (int)(2L * k * sample.Length / logits.Length) + 1);
        var bar = KthLargest(sample, rank);
        if (float.IsNaN(bar)) return false;
        return Scan(logits, k, bar, candidates, scratch) is { } found ? found
            : Scan(logits, k, float.NegativeInfinity, candidates, scratch) ?? false;
    }

    internal const int SampleSize = 256;

    /// <summary>One pass keeping every logit at or above <paramref name="bar"/> (raised as the buffer fills); null when fewer than k cleared it.</summary>
    private static bool? Scan(ReadOnlySpan<float> logits, int k, float bar, Span<LlamaTokenData> candidates, TopKScratch scratch)
    {
        var values = scratch.Values;
        var ids = scratch.Ids;
        var count = 0;
        var threshold = bar;
        var i = 0;
        ref var row = ref MemoryMarshal.GetReference(logits);
        if (Vector256.IsHardwareAccelerated)
        {
            var anyNaN = Vector256<float>.Zero;
            var limit = Vector256.Create(threshold);
            for (; i <= logits.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var v = Vector256.LoadUnsafe(ref row, (nuint)i);
                anyNaN |= Vector256.IsNaN(v);
                var hits = Vector256.GreaterThanOrEqual(v, limit).ExtractMostSignificantBits();
                if (hits == 0) continue;
                for (; hits != 0; hits &= hits - 1)
                {
                    var at = i + BitOperations.TrailingZeroCount(hits);
                    var x = Unsafe.Add(ref row, at);
                    if (x >= threshold && !Append(at, x)) return false;
                }
                limit = Vector256.Create(threshold);
            }
            if (anyNaN != Vector256<float>.Zero) return false;
        }
        for (; i < logits.Length; i++)
        {
            var x = Unsafe.Add(ref row, i);
            if (float.IsNaN(x)) return false;
            if (x >= threshold && !Append(i, x)) return false;
        }
        if (count < k) return null;

        // The k-th largest; any other value equal to it is a tie at the boundary.
        var kth = KthLargest(scratch.CopyOf(count), k);
        var kept = 0;
        for (var j = 0; j < count; j++)
        {
            if (values[j] < kth) continue;
            if (kept == k) return false;
            candidates[kept++] = new LlamaTokenData { Id = ids[j], Logit = values[j], P = 0 };
        }
        var sorted = scratch.Work(k);
        for (var j = 0; j < k; j++) sorted[j] = candidates[j].Logit;
        sorted.Sort();
        for (var j = 1; j < k; j++)
        {
            if (sorted[j] == sorted[j - 1]) return false;
        }
        return true;

        // Keeps every logit at or above the running k-th largest; when the buffer is full, drops those below it.
        bool Append(int id, float value)
        {
            if (count == values.Length)
            {
                threshold = KthLargest(scratch.CopyOf(count), k);
                var kept = 0;
                for (var j = 0; j < count; j++)
                {
                    if (values[j] < threshold) continue;
                    values[kept] = values[j];
                    ids[kept++] = ids[j];
                }
                count = kept;
                if (count > values.Length / 2) return false; // many equal logits: not worth it, and ambiguous anyway
                if (value < threshold) return true;
            }
            values[count] = value;
            ids[count++] = id;
            return true;
        }
    }

    /// <summary>The k-th largest value (1-based), by quickselect with a three-way partition so runs of equal values end it early. Reorders <paramref name="a"/>.</summary>
    internal static float KthLargest(Span<float> a, int k)
    {
        int lo = 0, hi = a.Length - 1, target = k - 1;
        while (lo < hi)
        {
            var pivot = MedianOfThree(a[lo], a[lo + (hi - lo) / 2], a[hi]);
            // [lo, lt) > pivot, [lt, gt] == pivot, (gt, hi] < pivot
            int lt = lo, j = lo, gt = hi;
            while (j <= gt)
            {
                if (a[j] > pivot) (a[lt], a[j]) = (a[j++], a[lt++]);
                else if (a[j] < pivot) (a[j], a[gt]) = (a[gt--], a[j]);
                else j++;
            }
            if (target < lt) hi = lt - 1;
            else if (target > gt) lo = gt + 1;
            else return pivot;
        }
        return a[lo];
    }

    private static float MedianOfThree(float a, float b, float c) => Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));
}

/// <summary>Buffers for <see cref="TopKCandidates"/>: one per thread, grown to the largest k seen.</summary>
internal sealed class TopKScratch
{
    private float[] _work = [];

    public float[] Values { get; private set; } = [];

    public int[] Ids { get; private set; } = [];

    public void EnsureCapacity(int k)
    {
        var capacity = Math.Max(2048, 8 * k);
        if (Values.Length >= capacity) return;
        Values = new float[capacity];
        Ids = new int[capacity];
        _work = new float[capacity];
    }

    /// <summary>A copy of the first <paramref name="count"/> values, to reorder.</summary>
    public Span<float> CopyOf(int count)
    {
        Values.AsSpan(0, count).CopyTo(_work);
        return _work.AsSpan(0, count);
    }

    public Span<float> Work(int count) => _work.AsSpan(0, count);
}
