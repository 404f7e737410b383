using System.Runtime.CompilerServices;

namespace BestOfN.Voting.Metrics;

/// <summary>
/// LSD radix sort of doubles (8-bit digits over the order-preserving bit pattern), faster than introsort at the
/// sizes best-of-N runs have (hundreds to thousands of samples per problem). Passes whose digit is the same for every
/// key (typically the sign and exponent bytes) are skipped. NaN is not allowed.
/// </summary>
internal static class RadixSort
{
    private const int SmallInput = 64;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sort(double[] values)
    {
        var n = values.Length;
        if (n < SmallInput)
        {
            Array.Sort(values);
            return;
        }
        var keys = new ulong[n];
        var buffer = new ulong[n];
        var histogram = new int[8 * 256];
        for (var i = 0; i < n; i++)
        {
            var key = ToSortable(values[i]);
            keys[i] = key;
            for (var d = 0; d < 8; d++)
            {
                histogram[d * 256 + (int)((key >> (8 * d)) & 0xFF)]++;
            }
        }
        for (var d = 0; d < 8; d++)
        {
            var counts = histogram.AsSpan(d * 256, 256);
            if (counts[(int)((keys[0] >> (8 * d)) & 0xFF)] == n)
            {
                continue;
            }
            var offset = 0;
            for (var b = 0; b < 256; b++)
            {
                var count = counts[b];
                counts[b] = offset;
                offset += count;
            }
            var shift = 8 * d;
            for (var i = 0; i < n; i++)
            {
                var key = keys[i];
                buffer[counts[(int)((key >> shift) & 0xFF)]++] = key;
            }
            (keys, buffer) = (buffer, keys);
        }
        for (var i = 0; i < n; i++)
        {
            values[i] = FromSortable(keys[i]);
        }
    }

    /// <summary>Positive doubles: set the sign bit; negative ones: flip every bit. Unsigned order is then numeric order.</summary>
    private static ulong ToSortable(double value)
    {
        var bits = (ulong)BitConverter.DoubleToInt64Bits(value);
        return (bits & 0x8000_0000_0000_0000UL) != 0 ? ~bits : bits | 0x8000_0000_0000_0000UL;
    }

    private static double FromSortable(ulong key) =>
        BitConverter.Int64BitsToDouble((long)((key & 0x8000_0000_0000_0000UL) != 0 ? key & 0x7FFF_FFFF_FFFF_FFFFUL : ~key));
}
