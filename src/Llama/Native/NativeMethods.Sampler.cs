using System.Runtime.InteropServices;

namespace BestOfN.Llama.Native;

// llama.h "Sampling API": chains and the built-in samplers we compose.
internal static partial class NativeMethods
{
    [LibraryImport(LlamaLibrary)]
    internal static partial SafeLlamaSamplerHandle llama_sampler_chain_init(LlamaSamplerChainParams parameters);

    /// <summary>The chain takes ownership of <paramref name="sampler"/>; it must not be freed separately.</summary>
    [LibraryImport(LlamaLibrary)]
    internal static partial void llama_sampler_chain_add(SafeLlamaSamplerHandle chain, nint sampler);

    [LibraryImport(LlamaLibrary)]
    internal static partial void llama_sampler_free(nint sampler);

    [LibraryImport(LlamaLibrary)]
    internal static partial nint llama_sampler_init_greedy();

    [LibraryImport(LlamaLibrary)]
    internal static partial nint llama_sampler_init_dist(uint seed);

    [LibraryImport(LlamaLibrary)]
    internal static partial nint llama_sampler_init_top_k(int k);

    [LibraryImport(LlamaLibrary)]
    internal static partial nint llama_sampler_init_top_p(float p, nuint minKeep);

    [LibraryImport(LlamaLibrary)]
    internal static partial nint llama_sampler_init_min_p(float p, nuint minKeep);

    [LibraryImport(LlamaLibrary)]
    internal static partial nint llama_sampler_init_temp(float t);

    [LibraryImport(LlamaLibrary)]
    internal static unsafe partial void llama_sampler_apply(SafeLlamaSamplerHandle sampler, LlamaTokenDataArray* candidates);

    [LibraryImport(LlamaLibrary)]
    internal static partial void llama_sampler_accept(SafeLlamaSamplerHandle sampler, int token);
}
