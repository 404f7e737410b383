using BestOfN.Remote;

namespace BestOfN.Verifier.Scoring;

/// <summary>Defaults of <see cref="ScorerOptions"/> and <see cref="OnnxScorerOptions"/>, in one place so tests can pin them.</summary>
public static class ScorerDefaults
{
    public static IRewardProtocol Protocol => RewardProtocols.RlhflowPrm;

    public const StepSplit Steps = StepSplit.Auto;
    public const EmptySteps Empty = EmptySteps.Keep;
    public const int Batch = 16;
    public const int MaxBatch = 256;
    public const int BatchTokens = 2048;
    public const int MicroBatchTokens = 512;
    public const int ContextSize = 16384;
    public const KvLayout Kv = KvLayout.Auto;
    public const long SplitKvBytes = 1L << 30;

    /// <summary>The longest sequence an ONNX model takes when <see cref="ScorerOptions.MaxSequenceTokens"/> is not set (an ONNX file
    /// does not say its trained context).</summary>
    public const int OnnxMaxSequenceTokens = 4096;
    public const int Threads = 0;
    public const string GoodToken = "+";
    public const string BadToken = "-";
    public const string StepTag = StepSplitter.KiTag;
    public const string InputIdsName = "input_ids";
    public const string AttentionMaskName = "attention_mask";
    public const string OutputName = "logits";
    public const int PositiveClass = 1;
    public const bool UseCuda = true;
}

/// <summary>How to read an ONNX classifier-head reward model.</summary>
public enum OnnxReadout
{
    /// <summary>One score per answer: the output is [batch], [batch, 1] (a scalar) or [batch, 2] (two classes).</summary>
    Sequence,

    /// <summary>One score per step: the output is [batch, tokens] or [batch, tokens, 2], read at every step-tag token.</summary>
    StepTags,
}

/// <summary>The ONNX side of <see cref="ScorerOptions"/>.</summary>
public sealed record OnnxScorerOptions
{
    /// <summary>Name of the token-id input (int64 [batch, tokens]). The default value is "input_ids".</summary>
    public string InputIdsName { get; init; } = ScorerDefaults.InputIdsName;

    /// <summary>Name of the mask input (int64 [batch, tokens], 1 for real tokens, 0 for padding); empty when the model has none. The default value is "attention_mask".</summary>
    public string AttentionMaskName { get; init; } = ScorerDefaults.AttentionMaskName;

    /// <summary>Name of the output to read. The default value is "logits".</summary>
    public string OutputName { get; init; } = ScorerDefaults.OutputName;

    /// <summary>Per answer or per step tag. The default value is <see cref="OnnxReadout.Sequence"/>.</summary>
    public OnnxReadout Readout { get; init; } = OnnxReadout.Sequence;

    /// <summary>With a two-class output, the class whose softmax probability is the score. The default value is 1.</summary>
    public int PositiveClass { get; init; } = ScorerDefaults.PositiveClass;

    /// <summary>Tokenizer: a GGUF (its vocabulary is loaded through llama.cpp), a SentencePiece .model, or a WordPiece vocab.txt. Required for the ONNX protocol.</summary>
    public string? TokenizerPath { get; init; }

    /// <summary>Add the tokenizer's BOS/CLS tokens. The default value is true.</summary>
    public bool AddSpecialTokens { get; init; } = true;

    /// <summary>Use ONNX Runtime's CUDA execution provider when its native library is present (falls back to CPU otherwise). The default value is true.</summary>
    public bool UseCuda { get; init; } = ScorerDefaults.UseCuda;
}

/// <summary>How to score stored answers with a reward model.</summary>
public sealed record ScorerOptions
{
    /// <summary>The scoring recipe, one of <see cref="RewardProtocols"/>. The default value is <see cref="RewardProtocols.RlhflowPrm"/>.</summary>
    public IRewardProtocol Protocol { get; init; } = ScorerDefaults.Protocol;

    /// <summary>Step separator for the RLHFlow protocols. The default value is <see cref="StepSplit.Auto"/>.</summary>
    public StepSplit Steps { get; init; } = ScorerDefaults.Steps;

    /// <summary>Empty steps (RLHFlow protocols): kept as turns of their own, as the reference does, or dropped. The default value is <see cref="EmptySteps.Keep"/>.</summary>
    public EmptySteps EmptySteps { get; init; } = ScorerDefaults.Empty;

    /// <summary>Answers decoded together (llama.cpp sequences; ONNX rows per run). The default value is 16.</summary>
    public int Batch { get; init; } = ScorerDefaults.Batch;

    /// <summary>Most tokens one llama_decode takes (n_batch). The default value is 2048.</summary>
    public int BatchTokens { get; init; } = ScorerDefaults.BatchTokens;

    /// <summary>Physical micro-batch (n_ubatch). The default value is 512.</summary>
    public int MicroBatchTokens { get; init; } = ScorerDefaults.MicroBatchTokens;

    /// <summary>KV cache cells for the shared prefix plus every answer of a batch. The default value is 16384.</summary>
    public int ContextSize { get; init; } = ScorerDefaults.ContextSize;

    /// <summary>
    /// Longest tokenized conversation scored; steps past it are cut and the answer is marked truncated. Null takes the model's trained
    /// context (llama.cpp; capped by <see cref="ContextSize"/>, which must hold a whole sequence) or
    /// <see cref="ScorerDefaults.OnnxMaxSequenceTokens"/> (ONNX): the reference recipes never truncate. The default value is null.
    /// </summary>
    public int? MaxSequenceTokens { get; init; }

    /// <summary>CPU threads; 0 uses every core. The default value is 0.</summary>
    public int Threads { get; init; } = ScorerDefaults.Threads;

    /// <summary>llama.cpp flash attention: null lets llama.cpp decide, false turns it off (exact F32 attention on the CPU). The default value is null.</summary>
    public bool? FlashAttention { get; init; }

    /// <summary>The llama.cpp KV layout: <see cref="KvLayout.Auto"/> takes split streams for a batch whose split cache fits the
    /// <see cref="ContextSize"/> cells or <see cref="SplitKvBytes"/>, unified otherwise. <c>bench scoring --kv</c> measures each. The default value is <see cref="KvLayout.Auto"/>.</summary>
    public KvLayout Kv { get; init; } = ScorerDefaults.Kv;

    /// <summary>
    /// Under <see cref="KvLayout.Auto"/>, KV memory that split streams may always take, even past <see cref="ContextSize"/> cells: for a
    /// small verifier the cell budget is no memory constraint (a 35M-parameter model's 32k cells are 512 MiB), while an 8B verifier's
    /// 16k cells are already 2 GiB, so the cells decide there. 0 leaves the decision to the cells. The default value is 1 GiB.
    /// </summary>
    public long SplitKvBytes { get; init; } = ScorerDefaults.SplitKvBytes;

    /// <summary>A built-in llama.cpp template name or template text instead of the model's own. The default value is null (the model's).</summary>
    public string? ChatTemplate { get; init; }

    /// <summary>
    /// Llama 3.1's chat template always opens with a system turn ("Cutting Knowledge Date: December 2023 / Today Date: 26 Jul 2024"),
    /// which llama.cpp's built-in llama3 renderer leaves out. Null adds it when the template text is Llama 3.1's; true or false force it.
    /// The default value is null.
    /// </summary>
    public bool? Llama31SystemTurn { get; init; }

    /// <summary>The "good" verdict token text ('+'). The default value is "+".</summary>
    public string GoodToken { get; init; } = ScorerDefaults.GoodToken;

    /// <summary>The "bad" verdict token text ('-'). The default value is "-".</summary>
    public string BadToken { get; init; } = ScorerDefaults.BadToken;

    /// <summary>Math-Shepherd's step tag. The default value is "ки".</summary>
    public string StepTag { get; init; } = ScorerDefaults.StepTag;

    /// <summary>The good verdict's token id, instead of looking <see cref="GoodToken"/> up (e.g. 648 for Math-Shepherd's Mistral vocabulary). The default value is null.</summary>
    public int? GoodTokenId { get; init; }

    /// <summary>The bad verdict's token id, instead of looking <see cref="BadToken"/> up (e.g. 387 for Math-Shepherd). The default value is null.</summary>
    public int? BadTokenId { get; init; }

    /// <summary>The step tag's token id, instead of looking <see cref="StepTag"/> up (e.g. 12902 for Math-Shepherd). The default value is null.</summary>
    public int? StepTagId { get; init; }

    /// <summary>Settings of the ONNX protocol. The default value is <see cref="OnnxScorerOptions"/>'s defaults.</summary>
    public OnnxScorerOptions Onnx { get; init; } = new();

    /// <summary>Settings of the http-classifier protocol. The default value is <see cref="HttpClassifierOptions"/>'s defaults (vLLM's /classify).</summary>
    public HttpClassifierOptions Http { get; init; } = new();

    /// <summary>Retry, timeout, circuit breaker and concurrency of a remote reward model. The default value is <see cref="ResilienceOptions"/>'s defaults.</summary>
    public ResilienceOptions Resilience { get; init; } = new();

    /// <summary>Every problem with these options, listed together so a run never starts half-valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(Steps)) errors.Add($"--steps {Steps} is not a step split.");
        if (!Enum.IsDefined(Kv)) errors.Add($"--kv {Kv} is not a KV layout.");
        if (Batch is < 1 or > ScorerDefaults.MaxBatch) errors.Add($"--batch must be between 1 and {ScorerDefaults.MaxBatch} (llama.cpp's sequence cap), got {Batch}.");
        if (BatchTokens < 1) errors.Add($"--batch-tokens must be >= 1, got {BatchTokens}.");
        if (MicroBatchTokens < 1) errors.Add($"--ubatch-tokens must be >= 1, got {MicroBatchTokens}.");
        if (!Enum.IsDefined(EmptySteps)) errors.Add($"--empty-steps {EmptySteps} is not an empty-step rule.");
        if (MaxSequenceTokens < 2) errors.Add($"--max-tokens must be >= 2, got {MaxSequenceTokens}.");
        if (ContextSize < MaxSequenceTokens) errors.Add($"--ctx-size ({ContextSize}) must hold at least one whole sequence (--max-tokens {MaxSequenceTokens}).");
        if (ContextSize < 2) errors.Add($"--ctx-size must be >= 2, got {ContextSize}.");
        if (SplitKvBytes < 0) errors.Add($"The split KV byte floor must be >= 0, got {SplitKvBytes}.");
        foreach (var (name, id) in new[] { ("--good-token-id", GoodTokenId), ("--bad-token-id", BadTokenId), ("--step-tag-id", StepTagId) })
            if (id < 0) errors.Add($"{name} must be >= 0, got {id}.");
        if (GoodTokenId is { } g && g == BadTokenId) errors.Add($"--good-token-id and --bad-token-id must differ, both are {g}.");
        if (Threads < 0) errors.Add($"--threads must be >= 0, got {Threads}.");
        if (string.IsNullOrEmpty(GoodToken)) errors.Add("The good token must not be empty.");
        if (string.IsNullOrEmpty(BadToken)) errors.Add("The bad token must not be empty.");
        if (GoodToken == BadToken && !string.IsNullOrEmpty(GoodToken)) errors.Add($"The good and bad tokens must differ, both are '{GoodToken}'.");
        if (string.IsNullOrEmpty(StepTag)) errors.Add("The step tag must not be empty.");
        errors.AddRange(Protocol.Validate(this));
        return errors;
    }

    public void ThrowIfInvalid()
    {
        var errors = Validate();
        if (errors.Count > 0) throw new ArgumentException("Invalid scorer options:\n  " + string.Join("\n  ", errors));
    }
}
