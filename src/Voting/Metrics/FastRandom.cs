using System.Runtime.CompilerServices;

namespace BestOfN.Voting.Metrics;

/// <summary>
/// xoshiro256** (Blackman and Vigna 2018) seeded through SplitMix64, with Lemire's (2019) multiply-shift bounded
/// draw. Ours rather than System.Random so the Monte Carlo streams are pinned across runtime versions.
/// </summary>
internal struct FastRandom
{
    private ulong _s0, _s1, _s2, _s3;

    public FastRandom(ulong seed)
    {
        _s0 = SplitMix(ref seed);
        _s1 = SplitMix(ref seed);
        _s2 = SplitMix(ref seed);
        _s3 = SplitMix(ref seed);
    }

    /// <summary>A seed for stream <paramref name="stream"/> of a run seeded with <paramref name="seed"/>.</summary>
    public static ulong Derive(long seed, long stream, long substream = 0)
    {
        var x = (ulong)seed;
        var mixed = SplitMix(ref x) ^ (ulong)stream * 0x9E3779B97F4A7C15UL;
        mixed = SplitMix(ref mixed) ^ (ulong)substream * 0xC2B2AE3D27D4EB4FUL;
        return SplitMix(ref mixed);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        var result = RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, bound).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int NextBelow(int bound)
    {
        var range = (uint)bound;
        var product = (ulong)(uint)(NextUInt64() >> 32) * range;
        return (uint)product < range ? NextBelowSlow(range, product) : (int)(product >> 32);
    }

    /// <summary>Lemire's rejection step, rarely taken (only when the low word falls below the range).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int NextBelowSlow(uint range, ulong product)
    {
        var threshold = (uint)(-(int)range) % range;
        while ((uint)product < threshold)
        {
            product = (ulong)(uint)(NextUInt64() >> 32) * range;
        }
        return (int)(product >> 32);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
