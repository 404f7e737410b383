namespace BestOfN.Verifier.Scoring;

/// <summary>A classifier-head reward model in ONNX: one score per answer, or one per step tag (<see cref="OnnxReadout"/>).</summary>
public sealed class OnnxProtocol(string name, string description) : IRewardProtocol
{
    public string Name => name;

    public string Description => description;

    public bool ScoresSteps(ScorerOptions options) => options.Onnx.Readout == OnnxReadout.StepTags;

    public IReadOnlyList<string> Validate(ScorerOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrEmpty(options.Onnx.TokenizerPath)) errors.Add($"--protocol {Name} needs --tokenizer (a GGUF, a SentencePiece .model or a WordPiece vocab.txt).");
        if (string.IsNullOrWhiteSpace(options.Onnx.InputIdsName)) errors.Add("--onnx-input-ids must name the model's token-id input.");
        if (string.IsNullOrWhiteSpace(options.Onnx.OutputName)) errors.Add("--onnx-output must name the model's output.");
        if (options.Onnx.PositiveClass < 0) errors.Add($"--onnx-positive-class must be >= 0, got {options.Onnx.PositiveClass}.");
        if (!Enum.IsDefined(options.Onnx.Readout)) errors.Add($"--onnx-readout {options.Onnx.Readout} is not a readout.");
        return errors;
    }

    /// <summary>The name recorded with a scoring: a per-step readout is told apart as "&lt;name&gt;-steps".</summary>
    public string RecordedName(ScorerOptions options) => ScoresSteps(options) ? $"{Name}-steps" : Name;

    public void Configure(IDictionary<string, object?> config, ScorerOptions options, Func<string, string> fileSha256)
    {
        config["protocol"] = RecordedName(options);
        if (ScoresSteps(options)) config["step_tag"] = options.StepTag;
        config["onnx"] = new SortedDictionary<string, object?>
        {
            ["tokenizer_sha256"] = options.Onnx.TokenizerPath is { } tokenizer ? fileSha256(tokenizer) : null,
            ["input_ids"] = options.Onnx.InputIdsName,
            ["attention_mask"] = options.Onnx.AttentionMaskName,
            ["output"] = options.Onnx.OutputName,
            ["positive_class"] = options.Onnx.PositiveClass,
            ["add_special"] = options.Onnx.AddSpecialTokens,
        };
    }

    public IRewardScorer Open(string modelPath, ScorerOptions options, int gpuLayers) =>
        new OnnxRewardScorer(modelPath, options, IScoringTokenizer.Open(options.Onnx.TokenizerPath!, options.Onnx.AddSpecialTokens));

    public override string ToString() => Name;
}
