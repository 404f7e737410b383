namespace BestOfN.Llama.Gguf;

/// <summary>Shape and vocabulary of a small llama-architecture model with random weights.</summary>
public sealed record TinyLlamaSpec
{
    public int EmbeddingSize { get; init; } = 64;
    public int Layers { get; init; } = 2;
    public int Heads { get; init; } = 4;
    public int KvHeads { get; init; } = 2;
    public int FeedForwardSize { get; init; } = 128;
    public int ContextLength { get; init; } = 4096;
    public int Seed { get; init; } = 1234;

    /// <summary>Scale of the random weights; larger makes sharper (lower-entropy) next-token distributions.</summary>
    public float WeightScale { get; init; } = 0.5f;

    public GgufWriter.TensorType TensorType { get; init; } = GgufWriter.TensorType.F32;

    /// <summary>Extra whole-word pieces added to the vocabulary, e.g. "+", "-", "ки". Each becomes one token.</summary>
    public IReadOnlyList<string> ExtraPieces { get; init; } = [];

    /// <summary>Extra control tokens added after the ChatML ones, e.g. Llama 3's "&lt;|start_header_id|&gt;". The default value is none.</summary>
    public IReadOnlyList<string> ExtraControlTokens { get; init; } = [];

    /// <summary>Written as tokenizer.ggml.add_space_prefix when set; false makes "+" tokenize as "+" rather than "▁+" (as a BPE
    /// vocabulary would). The default value is null (not written: llama.cpp's SentencePiece default, true).</summary>
    public bool? AddSpacePrefix { get; init; }

    /// <summary>Number of filler pieces added to reach a realistic vocabulary size (makes sampling cost realistic in benchmarks).</summary>
    public int FillerPieces { get; init; }

    /// <summary>Stored as tokenizer.chat_template; the default is ChatML, which llama.cpp's template engine recognises.</summary>
    public string? ChatTemplate { get; init; } = ChatMlTemplate;

    /// <summary>A generative verifier in RLHFlow's shape: Llama-3 header tokens and template, '+', '-' and 'ки' as single tokens.</summary>
    public static readonly TinyLlamaSpec RlhflowShapedVerifier = new()
    {
        ExtraPieces = ["ки"],
        ExtraControlTokens = ["<|begin_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"],
        AddSpacePrefix = false,
        ChatTemplate = "{% for message in messages %}{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' }}{% endfor %}",
    };

    public const string ChatMlTemplate =
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}" +
        "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";
}

/// <summary>
/// Writes a real llama-architecture GGUF with random weights and a SentencePiece-style vocabulary
/// (&lt;unk&gt;, &lt;s&gt;, &lt;/s&gt;, 256 byte-fallback tokens, ChatML control tokens, then word pieces), so tests
/// run the real llama.cpp on a model of a few hundred kilobytes.
/// </summary>
public static class TinyLlamaModel
{
    public const string Unknown = "<unk>";
    public const string Bos = "<s>";
    public const string Eos = "</s>";
    public const string ImStart = "<|im_start|>";
    public const string ImEnd = "<|im_end|>";

    // SentencePiece marks a word start with U+2581.
    private const char Space = '\u2581';

    private enum TokenType { Normal = 1, Unknown = 2, Control = 3, UserDefined = 4, Byte = 6 }

    public static IReadOnlyList<string> Vocabulary(TinyLlamaSpec spec) => BuildVocabulary(spec).Select(t => t.Piece).ToList();

    public static void Write(string path, TinyLlamaSpec? spec = null) => Write(path, spec, weights: null);

    /// <summary>Writes the model with the given tensors (by GGUF name and ggml shape) in place of random ones, e.g. trained weights.</summary>
    /// <param name="weights">The tensor of each name; null (or a null result) draws it at random as <see cref="Write(string, TinyLlamaSpec?)"/> does.</param>
    public static void Write(string path, TinyLlamaSpec? spec, Func<string, long[], float[]?>? weights)
    {
        spec ??= new TinyLlamaSpec();
        if (spec.EmbeddingSize % spec.Heads != 0 || spec.Heads % spec.KvHeads != 0)
            throw new ArgumentException("EmbeddingSize must divide by Heads, and Heads by KvHeads.");
        var vocab = BuildVocabulary(spec);
        var n = spec.EmbeddingSize;
        var headDim = n / spec.Heads;
        var kvDim = headDim * spec.KvHeads;
        var rng = new Random(spec.Seed);

        var w = new GgufWriter()
            .Add("general.architecture", "llama")
            .Add("general.name", "bestofn-tiny-llama")
            .Add("general.alignment", (uint)GgufWriter.Alignment)
            .Add("llama.context_length", (uint)spec.ContextLength)
            .Add("llama.embedding_length", (uint)n)
            .Add("llama.block_count", (uint)spec.Layers)
            .Add("llama.feed_forward_length", (uint)spec.FeedForwardSize)
            .Add("llama.attention.head_count", (uint)spec.Heads)
            .Add("llama.attention.head_count_kv", (uint)spec.KvHeads)
            .Add("llama.rope.dimension_count", (uint)headDim)
            .Add("llama.rope.freq_base", 10000f)
            .Add("llama.attention.layer_norm_rms_epsilon", 1e-5f)
            .Add("llama.vocab_size", (uint)vocab.Count)
            .Add("tokenizer.ggml.model", "llama")
            .Add("tokenizer.ggml.tokens", vocab.Select(v => v.Piece).ToList())
            .Add("tokenizer.ggml.scores", vocab.Select(v => v.Score).ToList())
            .Add("tokenizer.ggml.token_type", vocab.Select(v => (int)v.Type).ToList())
            .Add("tokenizer.ggml.unknown_token_id", 0u)
            .Add("tokenizer.ggml.bos_token_id", 1u)
            .Add("tokenizer.ggml.eos_token_id", 2u)
            .Add("tokenizer.ggml.add_bos_token", true)
            .Add("tokenizer.ggml.add_eos_token", false);
        if (spec.ChatTemplate is not null) w.Add("tokenizer.chat_template", spec.ChatTemplate);
        if (spec.AddSpacePrefix is { } addSpacePrefix) w.Add("tokenizer.ggml.add_space_prefix", addSpacePrefix);

        float[] Random(long count, float scale)
        {
            var data = new float[count];
            for (var i = 0; i < data.Length; i++) data[i] = (float)((rng.NextDouble() * 2 - 1) * scale);
            return data;
        }
        float[] Ones(long count) => Enumerable.Repeat(1f, (int)count).ToArray();
        var s = spec.WeightScale;
        var t = spec.TensorType;
        var given = weights;
        void AddTensor(string name, long[] shape, float[] random, GgufWriter.TensorType type = GgufWriter.TensorType.F32) =>
            w.AddTensor(name, shape, given?.Invoke(name, shape) ?? random, type);

        AddTensor("token_embd.weight", [n, vocab.Count], Random((long)n * vocab.Count, s), t);
        for (var l = 0; l < spec.Layers; l++)
        {
            AddTensor($"blk.{l}.attn_norm.weight", [n], Ones(n));
            AddTensor($"blk.{l}.attn_q.weight", [n, n], Random((long)n * n, s / MathF.Sqrt(n)), t);
            AddTensor($"blk.{l}.attn_k.weight", [n, kvDim], Random((long)n * kvDim, s / MathF.Sqrt(n)), t);
            AddTensor($"blk.{l}.attn_v.weight", [n, kvDim], Random((long)n * kvDim, s / MathF.Sqrt(n)), t);
            AddTensor($"blk.{l}.attn_output.weight", [n, n], Random((long)n * n, s / MathF.Sqrt(n)), t);
            AddTensor($"blk.{l}.ffn_norm.weight", [n], Ones(n));
            AddTensor($"blk.{l}.ffn_gate.weight", [n, spec.FeedForwardSize], Random((long)n * spec.FeedForwardSize, s / MathF.Sqrt(n)), t);
            AddTensor($"blk.{l}.ffn_up.weight", [n, spec.FeedForwardSize], Random((long)n * spec.FeedForwardSize, s / MathF.Sqrt(n)), t);
            AddTensor($"blk.{l}.ffn_down.weight", [spec.FeedForwardSize, n], Random((long)spec.FeedForwardSize * n, s / MathF.Sqrt(spec.FeedForwardSize)), t);
        }
        AddTensor("output_norm.weight", [n], Ones(n));
        AddTensor("output.weight", [n, vocab.Count], Random((long)n * vocab.Count, s * 4), t);
        w.Write(path);
    }

    private sealed record Entry(string Piece, float Score, TokenType Type);

    private static List<Entry> BuildVocabulary(TinyLlamaSpec spec)
    {
        var entries = new List<Entry>
        {
            new(Unknown, 0, TokenType.Unknown),
            new(Bos, 0, TokenType.Control),
            new(Eos, 0, TokenType.Control),
        };
        for (var b = 0; b < 256; b++) entries.Add(new($"<0x{b:X2}>", 0, TokenType.Byte));
        entries.Add(new(ImStart, 0, TokenType.Control));
        entries.Add(new(ImEnd, 0, TokenType.Control));
        foreach (var control in spec.ExtraControlTokens)
            if (!entries.Any(e => e.Piece == control)) entries.Add(new(control, 0, TokenType.Control));

        var seen = new HashSet<string>(entries.Select(e => e.Piece));
        var score = -1f;
        void Piece(string p)
        {
            if (seen.Add(p)) entries.Add(new(p, score, TokenType.Normal));
            score -= 0.01f;
        }
        // Word pieces with and without the word-start mark, so common text tokenizes into several tokens per word.
        Piece(Space.ToString());
        foreach (var c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,:;!?=+-*/()[]{}\\$^_#%'\"<>|") Piece(c.ToString());
        foreach (var c in "abcdefghijklmnopqrstuvwxyz0123456789") Piece($"{Space}{c}");
        string[] words = ["the", "answer", "is", "of", "and", "to", "in", "step", "so", "we", "total", "boxed", "frac", "Question", "Answer", "Let", "has", "how", "many"];
        foreach (var word in words) { Piece(word); Piece($"{Space}{word}"); }
        foreach (var extra in spec.ExtraPieces) Piece(extra.Replace(' ', Space));
        for (var i = 0; i < spec.FillerPieces; i++) Piece($"{Space}w{i:x}");
        return entries;
    }
}
