using BestOfN.Llama;
using BestOfN.Llama.Gguf;
using BestOfN.Sampler.Sampling;

namespace BestOfN.Sampler.Bench;

public sealed record SamplerBenchOptions
{
    public int PromptTokens { get; init; } = 128;
    public int GeneratedTokens { get; init; } = 64;
    public IReadOnlyList<int> Parallel { get; init; } = [1, 16, 64, 256];
    public int Threads { get; init; }
    public IReadOnlyList<bool> KvUnified { get; init; } = [SamplerDefaults.KvUnified];

    /// <summary>Every token is sampled through this chain. The default value is T 0.7, top-k 40, top-p 0.95.</summary>
    public SamplingParameters Chain { get; init; } = Defaults;

    public static readonly SamplingParameters Defaults = new(Temperature: 0.7f, TopK: 40, TopP: 0.95f, MinP: 0f);

    /// <summary>Timed repetitions of each setting; the fastest is reported (the others are taken by noise, not by the code). The default value is 3.</summary>
    public int Repeat { get; init; } = 3;
}

/// <param name="PromptTokensPrefilled">Prompt tokens decoded for this problem: equal to the prompt length when the prompt is evaluated once, not once per sample.</param>
/// <param name="PromptShareSeconds">Sharing the prefilled prompt with the other sequences (split KV: copying it into their streams), in neither
/// figure, as llama-batched-bench -pps times it in neither (it applies the copies with an untimed decode).</param>
public sealed record SamplerBenchRow(int Parallel, bool KvUnified, int PromptTokens, int GeneratedTokensPerSample,
    double PrefillSeconds, double GenerationSeconds, long TokensGenerated, long PromptTokensPrefilled, double DecodeSeconds, double PromptShareSeconds)
{
    /// <summary>The share of generation time spent outside llama_decode: drawing tokens, reading logits, bookkeeping. The peer has none.</summary>
    public double OutsideDecodeShare => 1 - DecodeSeconds / GenerationSeconds;

    public double PromptTokensPerSecond => PromptTokens / PrefillSeconds;
    public double GeneratedTokensPerSecond => TokensGenerated / GenerationSeconds;
}

/// <summary>
/// Times the sampler as llama-batched-bench -pps times llama.cpp: one shared prompt of a fixed length, then a fixed
/// number of tokens for every parallel sequence (end-of-generation ignored). Unlike the peer, each of our tokens is
/// also sampled through its own top-k/top-p/temperature chain, so the figures include sampling.
/// </summary>
public static class SamplerBenchmark
{
    /// <summary>The model benchmarks use when none is given: llama-architecture, ~35M parameters, F16, 8k vocabulary.</summary>
    public static readonly TinyLlamaSpec BenchModelSpec = new()
    {
        EmbeddingSize = 512,
        Layers = 8,
        Heads = 8,
        KvHeads = 8,
        FeedForwardSize = 1536,
        ContextLength = 32768,
        FillerPieces = 7600,
        TensorType = GgufWriter.TensorType.F16,
        Seed = 42,
    };

    public static IEnumerable<SamplerBenchRow> Run(LlamaModel model, SamplerBenchOptions options)
    {
        var rng = new Random(1);
        // Ordinary word pieces only (past the control and byte-fallback tokens), so the prompt is plain text.
        var firstNormal = Math.Min(model.VocabSize - 1, 300);
        var tokens = new LlamaToken[options.PromptTokens];
        tokens[0] = model.Bos;
        for (var i = 1; i < tokens.Length; i++) tokens[i] = new LlamaToken(rng.Next(firstNormal, model.VocabSize));
        var prompt = new PreparedPrompt("bench", "", tokens);

        foreach (var kv in options.KvUnified)
        {
            foreach (var parallel in options.Parallel)
                yield return Measure(model, prompt, options, parallel, kv);
        }
    }

    private static SamplerBenchRow Measure(LlamaModel model, PreparedPrompt prompt, SamplerBenchOptions options, int parallel, bool kvUnified)
    {
        var sampler = new SamplerOptions
        {
            N = parallel,
            Parallel = parallel,
            MaxTokens = options.GeneratedTokens,
            Temperature = options.Chain.Temperature,
            TopK = options.Chain.TopK,
            TopP = options.Chain.TopP,
            MinP = options.Chain.MinP,
            Threads = options.Threads,
            KvUnified = kvUnified,
            IgnoreEndOfGeneration = true,
            Seed = 1,
        };
        using var s = new BatchedSampler(model, sampler);
        // The first pass over a fresh context pays for graph and buffer allocation, which a real run pays once per
        // run and llama-batched-bench pays in its warm-up: it is not timed.
        _ = s.Sample(prompt, Enumerable.Range(0, parallel).ToList()).Single();
        SamplerBenchRow? best = null;
        for (var r = 0; r < Math.Max(1, options.Repeat); r++)
        {
            var prefilledBefore = s.PromptTokensPrefilled;
            var wave = s.Sample(prompt, Enumerable.Range(0, parallel).ToList()).Single();
            var row = new SamplerBenchRow(parallel, kvUnified, prompt.Tokens.Length, options.GeneratedTokens,
                s.LastPrefillTime.TotalSeconds, wave.Elapsed.TotalSeconds, wave.GeneratedTokens, s.PromptTokensPrefilled - prefilledBefore,
                s.LastWaveDecodeTime.TotalSeconds, s.LastPromptShareTime.TotalSeconds);
            best = best is null ? row : best with
            {
                PrefillSeconds = Math.Min(best.PrefillSeconds, row.PrefillSeconds),
                PromptShareSeconds = Math.Min(best.PromptShareSeconds, row.PromptShareSeconds),
                // The fastest generation with its own decode time, so the share outside decode belongs to one run.
                GenerationSeconds = Math.Min(best.GenerationSeconds, row.GenerationSeconds),
                DecodeSeconds = row.GenerationSeconds < best.GenerationSeconds ? row.DecodeSeconds : best.DecodeSeconds,
            };
        }
        return best!;
    }
}
