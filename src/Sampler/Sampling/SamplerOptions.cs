using BestOfN.Llama;

namespace BestOfN.Sampler.Sampling;

/// <summary>Defaults of <see cref="SamplerOptions"/>, in one place so tests can pin them.</summary>
public static class SamplerDefaults
{
    public const int N = 16;
    public const float Temperature = 0.7f;
    public const int TopK = 0;
    public const float TopP = 1f;
    public const float MinP = 0f;
    public const int MaxTokens = 512;
    public const int Parallel = 64;
    public const ulong Seed = 1;
    public const bool KvUnified = false;
    public const Batching Batching = Sampling.Batching.Waves;
    public const int Threads = 0;
    public const int MaxN = 1 << 20;
}

/// <summary>How samples share llama_decode batches (README, Sampling: which settings give identical samples).</summary>
public enum Batching
{
    /// <summary>A problem's samples are decoded in waves of --parallel consecutive indices (<see cref="BatchedSampler"/>): bitwise
    /// reproducible across shard layouts and resumes, but a wave lasts as long as its longest sample.</summary>
    Waves,

    /// <summary>Slots kept full across samples and problems (<see cref="ContinuousSampler"/>): faster when lengths vary, but a sample's
    /// bits depend on its neighbours in the batch.</summary>
    Continuous,
}

/// <summary>How to draw samples for each problem.</summary>
public sealed record SamplerOptions
{
    /// <summary>Samples per problem. The default value is 16.</summary>
    public int N { get; init; } = SamplerDefaults.N;

    /// <summary>Sampling temperature; 0 is greedy. The default value is 0.7.</summary>
    public float Temperature { get; init; } = SamplerDefaults.Temperature;

    /// <summary>Keep the k most likely tokens; 0 disables. The default value is 0.</summary>
    public int TopK { get; init; } = SamplerDefaults.TopK;

    /// <summary>Nucleus sampling mass; 1 disables. The default value is 1.</summary>
    public float TopP { get; init; } = SamplerDefaults.TopP;

    /// <summary>Drop tokens below this fraction of the top token's probability; 0 disables. The default value is 0.</summary>
    public float MinP { get; init; } = SamplerDefaults.MinP;

    /// <summary>Most new tokens per sample. The default value is 512.</summary>
    public int MaxTokens { get; init; } = SamplerDefaults.MaxTokens;

    /// <summary>Samples decoded together (one wave); at most 256, llama.cpp's sequence cap. The default value is 64.</summary>
    public int Parallel { get; init; } = SamplerDefaults.Parallel;

    /// <summary>Run seed; each sample's seed derives from it, the problem id and the sample index. The default value is 1.</summary>
    public ulong Seed { get; init; } = SamplerDefaults.Seed;

    /// <summary>Generation stops before the first occurrence of any of these. The default value is none.</summary>
    public IReadOnlyList<string> StopStrings { get; init; } = [];

    /// <summary>One KV buffer for all sequences instead of one per sequence (see <see cref="BatchedSampler"/> for the measurements). The default value is false.</summary>
    public bool KvUnified { get; init; } = SamplerDefaults.KvUnified;

    /// <summary>Waves (reproducible) or continuous batching (faster). The default value is <see cref="Batching.Waves"/>.</summary>
    public Batching Batching { get; init; } = SamplerDefaults.Batching;

    /// <summary>CPU threads; 0 uses every core. The default value is 0.</summary>
    public int Threads { get; init; } = SamplerDefaults.Threads;

    /// <summary>Keep generating through end-of-generation tokens (as llama.cpp's --ignore-eos); benchmarks use it to
    /// generate a fixed length. The default value is false.</summary>
    public bool IgnoreEndOfGeneration { get; init; }

    public SamplingParameters Sampling => new(Temperature, TopK, TopP, MinP);

    /// <summary>Every problem with these options, listed together so a run never starts half-valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (N is < 1 or > SamplerDefaults.MaxN) errors.Add($"--n must be between 1 and {SamplerDefaults.MaxN}, got {N}.");
        if (Temperature < 0 || float.IsNaN(Temperature)) errors.Add($"--temperature must be >= 0, got {Temperature}.");
        if (TopK < 0) errors.Add($"--top-k must be >= 0, got {TopK}.");
        if (TopP is <= 0 or > 1 || float.IsNaN(TopP)) errors.Add($"--top-p must be in (0, 1], got {TopP}.");
        if (MinP is < 0 or >= 1 || float.IsNaN(MinP)) errors.Add($"--min-p must be in [0, 1), got {MinP}.");
        if (MaxTokens < 1) errors.Add($"--max-tokens must be >= 1, got {MaxTokens}.");
        if (Parallel is < 1 or > 256) errors.Add($"--parallel must be between 1 and 256 (llama.cpp's sequence cap), got {Parallel}.");
        if (Threads < 0) errors.Add($"--threads must be >= 0, got {Threads}.");
        if (StopStrings.Any(string.IsNullOrEmpty)) errors.Add("--stop strings must not be empty.");
        return errors;
    }

    public void ThrowIfInvalid()
    {
        var errors = Validate();
        if (errors.Count > 0) throw new ArgumentException("Invalid sampler options:\n  " + string.Join("\n  ", errors));
    }
}
