using System.Text;

namespace BestOfN.Sampler.Sampling;

/// <summary>
/// A seed per (run seed, problem id, sample index), so each sample draws its own stream and any one sample can be
/// redrawn alone. llama.cpp's examples give every stream the same seed, which makes identical first tokens.
/// </summary>
public static class SampleSeed
{
    public static uint Derive(ulong runSeed, string problemId, int sampleIndex)
    {
        var h = SplitMix64(runSeed ^ Fnv1a64(problemId));
        h = SplitMix64(h ^ (ulong)(uint)sampleIndex);
        var seed = (uint)(h >> 32);
        // llama.cpp reads 0xFFFFFFFF (LLAMA_DEFAULT_SEED) as "seed from the clock": remap it to stay deterministic.
        return seed == uint.MaxValue ? (uint)h : seed;
    }

    private static ulong Fnv1a64(string s)
    {
        var h = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(s)) h = (h ^ b) * 1099511628211UL;
        return h;
    }

    // Steele, Lea and Flood, "Fast splittable pseudorandom number generators" (2014).
    private static ulong SplitMix64(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
