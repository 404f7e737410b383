using System.Runtime.InteropServices;

namespace BestOfN.Llama.Native;

// llama.h "Initialization" and ggml-backend.h's loader, which the split CPU backends need.
internal static partial class NativeMethods
{
    internal const string LlamaLibrary = "llama";
    internal const string GgmlLibrary = "ggml";

    [LibraryImport(GgmlLibrary, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void ggml_backend_load_all_from_path(string dirPath);

    [LibraryImport(GgmlLibrary)]
    internal static partial nuint ggml_backend_reg_count();

    [LibraryImport(LlamaLibrary)]
    internal static partial void llama_backend_init();

    [LibraryImport(LlamaLibrary)]
    internal static partial nint llama_print_system_info();

    [LibraryImport(LlamaLibrary)]
    internal static partial nuint llama_max_parallel_sequences();

    [LibraryImport(LlamaLibrary)]
    [return: MarshalAs(UnmanagedType.U1)]
    internal static partial bool llama_supports_gpu_offload();

    [LibraryImport(LlamaLibrary)]
    internal static unsafe partial void llama_log_set(delegate* unmanaged[Cdecl]<int, byte*, nint, void> callback, nint userData);

    [LibraryImport(LlamaLibrary)]
    internal static partial LlamaModelParams llama_model_default_params();

    [LibraryImport(LlamaLibrary)]
    internal static partial LlamaContextParams llama_context_default_params();

    [LibraryImport(LlamaLibrary)]
    internal static partial LlamaSamplerChainParams llama_sampler_chain_default_params();
}
