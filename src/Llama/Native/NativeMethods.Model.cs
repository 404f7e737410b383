using System.Runtime.InteropServices;

namespace BestOfN.Llama.Native;

// llama.h "Model": loading, metadata and the vocabulary.
internal static partial class NativeMethods
{
    [LibraryImport(LlamaLibrary, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial SafeLlamaModelHandle llama_model_load_from_file(string pathModel, LlamaModelParams parameters);

    [LibraryImport(LlamaLibrary)]
    internal static partial void llama_model_free(nint model);

    [LibraryImport(LlamaLibrary)]
    internal static partial nint llama_model_get_vocab(SafeLlamaModelHandle model);

    [LibraryImport(LlamaLibrary)]
    internal static partial int llama_model_n_ctx_train(SafeLlamaModelHandle model);

    [LibraryImport(LlamaLibrary)]
    internal static partial int llama_model_n_embd(SafeLlamaModelHandle model);

    [LibraryImport(LlamaLibrary)]
    internal static partial int llama_model_n_layer(SafeLlamaModelHandle model);

    [LibraryImport(LlamaLibrary)]
    internal static partial int llama_model_n_head(SafeLlamaModelHandle model);

    [LibraryImport(LlamaLibrary)]
    internal static partial int llama_model_n_head_kv(SafeLlamaModelHandle model);

    [LibraryImport(LlamaLibrary)]
    internal static partial ulong llama_model_n_params(SafeLlamaModelHandle model);

    [LibraryImport(LlamaLibrary)]
    internal static unsafe partial int llama_model_desc(SafeLlamaModelHandle model, byte* buf, nuint bufSize);

    [LibraryImport(LlamaLibrary, StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial int llama_model_meta_val_str(SafeLlamaModelHandle model, string key, byte* buf, nuint bufSize);

    [LibraryImport(LlamaLibrary)]
    internal static partial nint llama_model_chat_template(SafeLlamaModelHandle model, nint name);

    [LibraryImport(LlamaLibrary)]
    internal static partial int llama_vocab_n_tokens(nint vocab);

    [LibraryImport(LlamaLibrary)]
    [return: MarshalAs(UnmanagedType.U1)]
    internal static partial bool llama_vocab_is_eog(nint vocab, int token);

    [LibraryImport(LlamaLibrary)]
    internal static partial int llama_vocab_bos(nint vocab);

    [LibraryImport(LlamaLibrary)]
    internal static partial int llama_vocab_eos(nint vocab);

    [LibraryImport(LlamaLibrary)]
    internal static unsafe partial int llama_tokenize(nint vocab, byte* text, int textLen, int* tokens, int nTokensMax,
        [MarshalAs(UnmanagedType.U1)] bool addSpecial, [MarshalAs(UnmanagedType.U1)] bool parseSpecial);

    [LibraryImport(LlamaLibrary)]
    internal static unsafe partial int llama_token_to_piece(nint vocab, int token, byte* buf, int length, int lstrip,
        [MarshalAs(UnmanagedType.U1)] bool special);

    [LibraryImport(LlamaLibrary)]
    internal static unsafe partial int llama_chat_apply_template(byte* tmpl, LlamaChatMessage* chat, nuint nMsg,
        [MarshalAs(UnmanagedType.U1)] bool addAssistant, byte* buf, int length);
}
