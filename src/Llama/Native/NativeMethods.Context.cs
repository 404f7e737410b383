using System.Runtime.InteropServices;

namespace BestOfN.Llama.Native;

// llama.h "Context", "Memory" and "Decoding".
internal static partial class NativeMethods
{
    [LibraryImport(LlamaLibrary)]
    internal static partial SafeLlamaContextHandle llama_init_from_model(SafeLlamaModelHandle model, LlamaContextParams parameters);

    [LibraryImport(LlamaLibrary)]
    internal static partial void llama_free(nint ctx);

    [LibraryImport(LlamaLibrary)]
    internal static partial uint llama_n_ctx(SafeLlamaContextHandle ctx);

    [LibraryImport(LlamaLibrary)]
    internal static partial uint llama_n_ctx_seq(SafeLlamaContextHandle ctx);

    [LibraryImport(LlamaLibrary)]
    internal static partial uint llama_n_batch(SafeLlamaContextHandle ctx);

    [LibraryImport(LlamaLibrary)]
    internal static partial uint llama_n_seq_max(SafeLlamaContextHandle ctx);

    [LibraryImport(LlamaLibrary)]
    internal static partial nint llama_get_memory(SafeLlamaContextHandle ctx);

    [LibraryImport(LlamaLibrary)]
    internal static partial void llama_memory_clear(nint mem, [MarshalAs(UnmanagedType.U1)] bool data);

    [LibraryImport(LlamaLibrary)]
    [return: MarshalAs(UnmanagedType.U1)]
    internal static partial bool llama_memory_seq_rm(nint mem, int seqId, int p0, int p1);

    [LibraryImport(LlamaLibrary)]
    internal static partial void llama_memory_seq_cp(nint mem, int seqIdSrc, int seqIdDst, int p0, int p1);

    [LibraryImport(LlamaLibrary)]
    internal static partial int llama_memory_seq_pos_max(nint mem, int seqId);

    [LibraryImport(LlamaLibrary)]
    internal static partial int llama_decode(SafeLlamaContextHandle ctx, LlamaBatchNative batch);

    [LibraryImport(LlamaLibrary)]
    internal static partial void llama_set_n_threads(SafeLlamaContextHandle ctx, int nThreads, int nThreadsBatch);

    [LibraryImport(LlamaLibrary)]
    internal static unsafe partial float* llama_get_logits_ith(SafeLlamaContextHandle ctx, int i);
}
