using BestOfN.Llama.Native;

namespace BestOfN.Llama;

/// <summary>Settings of one sampler chain: top-k → top-p → min-p → temperature → dist(seed), as llama.cpp's examples order them.</summary>
public sealed record SamplingParameters(float Temperature, int TopK, float TopP, float MinP);

/// <summary>Scratch space for sampling one row: a candidate per vocabulary entry. One per thread.</summary>
public sealed class SamplerScratch(int vocabSize)
{
    internal LlamaTokenData[] Candidates { get; } = new LlamaTokenData[vocabSize];

    internal TopKScratch TopK { get; } = new();
}

/// <summary>A llama.cpp sampler chain with its own seeded RNG: one per sample, so samples never share random state.</summary>
public sealed class LlamaSamplerChain : IDisposable
{
    private readonly SafeLlamaSamplerHandle _chain;
    private readonly int _topK;

    /// <param name="topK">The k of the chain's first sampler when that is top-k, else 0.</param>
    private LlamaSamplerChain(SafeLlamaSamplerHandle chain, int topK = 0)
    {
        _chain = chain;
        _topK = topK;
    }

    /// <summary>Tests only: hand llama.cpp every vocabulary entry, never just the top k.</summary>
    internal bool WholeRowOnly { get; set; }

    /// <param name="seed">llama.cpp reads 0xFFFFFFFF as "seed from the clock"; callers pass derived seeds, never that value.</param>
    public static LlamaSamplerChain Create(SamplingParameters parameters, uint seed)
    {
        if (seed == uint.MaxValue) throw new ArgumentOutOfRangeException(nameof(seed), "0xFFFFFFFF means a random seed to llama.cpp; derive another.");
        LlamaRuntime.EnsureLoaded();
        var p = NativeMethods.llama_sampler_chain_default_params();
        p.NoPerf = 1;
        var chain = NativeMethods.llama_sampler_chain_init(p);
        if (chain.IsInvalid) throw new LlamaException("llama_sampler_chain_init failed.");
        if (parameters.Temperature <= 0)
        {
            NativeMethods.llama_sampler_chain_add(chain, NativeMethods.llama_sampler_init_greedy());
            return new LlamaSamplerChain(chain);
        }
        if (parameters.TopK > 0) NativeMethods.llama_sampler_chain_add(chain, NativeMethods.llama_sampler_init_top_k(parameters.TopK));
        if (parameters.TopP < 1) NativeMethods.llama_sampler_chain_add(chain, NativeMethods.llama_sampler_init_top_p(parameters.TopP, 1));
        if (parameters.MinP > 0) NativeMethods.llama_sampler_chain_add(chain, NativeMethods.llama_sampler_init_min_p(parameters.MinP, 1));
        NativeMethods.llama_sampler_chain_add(chain, NativeMethods.llama_sampler_init_temp(parameters.Temperature));
        NativeMethods.llama_sampler_chain_add(chain, NativeMethods.llama_sampler_init_dist(seed));
        return new LlamaSamplerChain(chain, Math.Max(0, parameters.TopK));
    }

    /// <summary>Draws the next token from a row of logits and advances the chain's state.</summary>
    public unsafe LlamaToken Sample(ReadOnlySpan<float> logits, SamplerScratch scratch)
    {
        fixed (float* l = logits) return Sample(l, logits.Length, scratch);
    }

    /// <summary>Draws the next token from a row of llama.cpp's output and advances the chain's state.</summary>
    public unsafe LlamaToken Sample(LlamaLogitsRow row, SamplerScratch scratch) => Sample((float*)row.Address, row.Length, scratch);

    private unsafe LlamaToken Sample(float* logitsPointer, int vocabSize, SamplerScratch scratch)
    {
        var logits = new ReadOnlySpan<float>(logitsPointer, vocabSize);
        var candidates = scratch.Candidates;
        if (candidates.Length < logits.Length) throw new ArgumentException("Scratch is smaller than the vocabulary.", nameof(scratch));
        var size = _topK;
        if (WholeRowOnly || !TopKCandidates.TrySelect(logits, _topK, candidates, scratch.TopK))
        {
            for (var i = 0; i < logits.Length; i++) candidates[i] = new LlamaTokenData { Id = i, Logit = logits[i], P = 0 };
            size = logits.Length;
        }
        int token;
        fixed (LlamaTokenData* data = candidates)
        {
            var array = new LlamaTokenDataArray { Data = data, Size = (nuint)size, Selected = -1, Sorted = 0 };
            NativeMethods.llama_sampler_apply(_chain, &array);
            if (array.Selected < 0 || array.Selected >= (long)array.Size) throw new LlamaException("The sampler chain selected no token.");
            token = array.Data[array.Selected].Id;
        }
        NativeMethods.llama_sampler_accept(_chain, token);
        return new LlamaToken(token);
    }

    public void Dispose() => _chain.Dispose();
}
