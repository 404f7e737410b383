using System.Text;
using BestOfN.Llama.Native;

namespace BestOfN.Llama;

public sealed record LlamaModelOptions
{
    /// <summary>Layers to offload to the GPU; -1 means all. The default value is 0 (CPU only).</summary>
    public int GpuLayers { get; init; }

    /// <summary>Load only the vocabulary (for tokenizing). The default value is false.</summary>
    public bool VocabOnly { get; init; }
}

/// <summary>A GGUF model loaded by llama.cpp, with its vocabulary and chat template.</summary>
public sealed class LlamaModel : IDisposable
{
    internal SafeLlamaModelHandle Handle { get; }
    private readonly nint _vocab; // owned by the model; valid while Handle is

    private LlamaModel(SafeLlamaModelHandle handle, string path)
    {
        Handle = handle;
        Path = path;
        _vocab = NativeMethods.llama_model_get_vocab(handle);
        VocabSize = NativeMethods.llama_vocab_n_tokens(_vocab);
    }

    public string Path { get; }

    public int VocabSize { get; }

    public static LlamaModel Load(string path, LlamaModelOptions? options = null)
    {
        options ??= new LlamaModelOptions();
        if (!File.Exists(path)) throw new FileNotFoundException($"Model file not found: {path}", path);
        LlamaRuntime.EnsureLoaded();
        var p = NativeMethods.llama_model_default_params();
        p.NGpuLayers = options.GpuLayers;
        p.VocabOnly = options.VocabOnly ? (byte)1 : (byte)0;
        var handle = NativeMethods.llama_model_load_from_file(path, p);
        if (handle.IsInvalid)
        {
            handle.Dispose();
            throw new LlamaException($"llama.cpp could not load {path}: not a GGUF model, an unsupported architecture, or a truncated file. Rerun with --llama-log info to see llama.cpp's reason.");
        }
        return new LlamaModel(handle, path);
    }

    public int TrainedContextLength => NativeMethods.llama_model_n_ctx_train(Handle);

    public int EmbeddingSize => NativeMethods.llama_model_n_embd(Handle);

    /// <summary>Bytes one KV cell takes with llama.cpp's default F16 cache: K and V of every layer, each n_embd / n_head × n_head_kv wide.</summary>
    public long KvBytesPerCell
    {
        get
        {
            var heads = Math.Max(1, NativeMethods.llama_model_n_head(Handle));
            var kvWidth = (long)EmbeddingSize / heads * Math.Max(1, NativeMethods.llama_model_n_head_kv(Handle));
            return NativeMethods.llama_model_n_layer(Handle) * 2L * kvWidth * sizeof(short);
        }
    }

    public ulong ParameterCount => NativeMethods.llama_model_n_params(Handle);

    public LlamaToken Bos => new(NativeMethods.llama_vocab_bos(_vocab));

    public LlamaToken Eos => new(NativeMethods.llama_vocab_eos(_vocab));

    public unsafe string Description
    {
        get
        {
            var buf = stackalloc byte[256];
            var n = NativeMethods.llama_model_desc(Handle, buf, 256);
            return n <= 0 ? "" : Encoding.UTF8.GetString(buf, Math.Min(n, 255));
        }
    }

    /// <summary>True for end-of-generation tokens (EOS, EOT, &lt;|im_end|&gt; and the like).</summary>
    public bool IsEndOfGeneration(LlamaToken token) => NativeMethods.llama_vocab_is_eog(_vocab, token.Id);

    /// <summary>A GGUF metadata value as a string, or null when the key is absent.</summary>
    public unsafe string? Metadata(string key)
    {
        var size = 256;
        while (true)
        {
            var buf = new byte[size];
            int n;
            fixed (byte* b = buf) n = NativeMethods.llama_model_meta_val_str(Handle, key, b, (nuint)size);
            if (n < 0) return null;
            if (n < size) return Encoding.UTF8.GetString(buf, 0, n);
            size = n + 1;
        }
    }

    /// <summary>The chat template stored in the GGUF (tokenizer.chat_template), or null.</summary>
    public string? ChatTemplate()
    {
        var p = NativeMethods.llama_model_chat_template(Handle, nint.Zero);
        return p == nint.Zero ? null : System.Runtime.InteropServices.Marshal.PtrToStringUTF8(p);
    }

    /// <param name="addSpecial">Add BOS (and EOS) as the model's metadata asks.</param>
    /// <param name="parseSpecial">Turn the text of control tokens such as &lt;|im_start|&gt; into those tokens.</param>
    public unsafe LlamaToken[] Tokenize(string text, bool addSpecial, bool parseSpecial)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var capacity = bytes.Length + 8;
        while (true)
        {
            var tokens = new int[capacity];
            int n;
            fixed (byte* t = bytes)
            fixed (int* o = tokens)
                n = NativeMethods.llama_tokenize(_vocab, t, bytes.Length, o, capacity, addSpecial, parseSpecial);
            if (n == int.MinValue) throw new LlamaException("Tokenization overflowed: the text is too long.");
            if (n < 0) { capacity = -n; continue; }
            var result = new LlamaToken[n];
            for (var i = 0; i < n; i++) result[i] = new LlamaToken(tokens[i]);
            return result;
        }
    }

    /// <summary>The UTF-8 bytes of one token. A byte-fallback token may hold part of a character.</summary>
    public unsafe int TokenBytes(LlamaToken token, Span<byte> destination, bool special = false)
    {
        fixed (byte* d = destination)
        {
            var n = NativeMethods.llama_token_to_piece(_vocab, token.Id, d, destination.Length, 0, special);
            if (n < 0) throw new ArgumentException($"Destination too small for token {token.Id}: needs {-n} bytes.", nameof(destination));
            return n;
        }
    }

    public string Detokenize(IEnumerable<LlamaToken> tokens, bool special = false)
    {
        var bytes = new List<byte>();
        Span<byte> buf = stackalloc byte[256];
        foreach (var t in tokens)
        {
            var n = TokenBytes(t, buf, special);
            foreach (var b in buf[..n]) bytes.Add(b);
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    /// <summary>
    /// Renders a chat with llama.cpp's built-in template engine (it recognises the common templates by their
    /// text; it is not a Jinja interpreter). <paramref name="template"/> may be a template text or a built-in
    /// name such as "llama3" or "chatml"; null takes the model's own.
    /// </summary>
    public unsafe string ApplyChatTemplate(IReadOnlyList<ChatMessage> messages, bool addAssistant, string? template = null)
    {
        template ??= ChatTemplate() ?? throw new LlamaException($"{Path} has no chat template in its metadata; name one (for example --chat-template chatml).");
        var tmpl = NullTerminated(template);
        var roles = messages.Select(m => NullTerminated(m.Role)).ToArray();
        var contents = messages.Select(m => NullTerminated(m.Content)).ToArray();
        var handles = new List<System.Runtime.InteropServices.GCHandle>();
        try
        {
            var chat = new LlamaChatMessage[messages.Count];
            for (var i = 0; i < chat.Length; i++)
            {
                var r = System.Runtime.InteropServices.GCHandle.Alloc(roles[i], System.Runtime.InteropServices.GCHandleType.Pinned);
                var c = System.Runtime.InteropServices.GCHandle.Alloc(contents[i], System.Runtime.InteropServices.GCHandleType.Pinned);
                handles.Add(r);
                handles.Add(c);
                chat[i] = new LlamaChatMessage { Role = (byte*)r.AddrOfPinnedObject(), Content = (byte*)c.AddrOfPinnedObject() };
            }
            var size = Math.Max(1024, 2 * messages.Sum(m => m.Content.Length + m.Role.Length) + 256);
            while (true)
            {
                var buf = new byte[size];
                int n;
                fixed (byte* t = tmpl)
                fixed (LlamaChatMessage* m = chat)
                fixed (byte* b = buf)
                    n = NativeMethods.llama_chat_apply_template(t, m, (nuint)chat.Length, addAssistant, b, size);
                if (n < 0) throw new LlamaException($"llama.cpp does not support this chat template: {Abbreviate(template)}. Name a built-in one (llama3, chatml, mistral-v7, ...).");
                if (n <= size) return Encoding.UTF8.GetString(buf, 0, n);
                size = n;
            }
        }
        finally
        {
            foreach (var h in handles) h.Free();
        }
    }

    private static byte[] NullTerminated(string s)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(s) + 1];
        Encoding.UTF8.GetBytes(s, bytes);
        return bytes;
    }

    private static string Abbreviate(string s) => s.Length <= 80 ? s : s[..80] + "…";

    public void Dispose() => Handle.Dispose();
}
