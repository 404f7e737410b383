using BestOfN.Llama;

namespace BestOfN.Verifier.Scoring;

/// <summary>
/// Math-Shepherd's input: plain <c>prompt + " " + answer</c> with BOS, read at every step-tag token. The verdicts are the pieces of
/// <c>"{good} {bad}"</c> (Math-Shepherd's <c>encode(f"{good} {bad}")[1:]</c>: " +" and " -"); the tag is the last token of its
/// encoding (Math-Shepherd's <c>encode("ки")[-1]</c>), which may follow a lone space-prefix piece. Every id can be given instead
/// (648, 387 and 12902 in Math-Shepherd's Mistral vocabulary); the ids used are written to the manifest.
/// </summary>
public sealed class StepTagEncoder : IVerdictEncoder
{
    private readonly LlamaModel _model;
    private readonly ScorerOptions _options;
    private readonly string _protocolName;

    public StepTagEncoder(LlamaModel model, ScorerOptions options, string protocolName)
    {
        _model = model;
        _options = options;
        _protocolName = protocolName;
        MaxSequenceTokens = VerdictTokens.MaxSequenceTokens(model, options);
        if (options.GoodTokenId is null || options.BadTokenId is null)
        {
            var pair = model.Tokenize($"{options.GoodToken} {options.BadToken}", addSpecial: false, parseSpecial: false);
            if (pair.Length != 2)
                throw new ScoringProtocolException($"'{options.GoodToken} {options.BadToken}' is {pair.Length} tokens ({VerdictTokens.Pieces(model, pair)}) in {Path.GetFileName(model.Path)}'s vocabulary; {protocolName} needs exactly one token for each verdict (or give --good-token-id and --bad-token-id).");
            Good = pair[0];
            Bad = pair[1];
        }
        if (options.GoodTokenId is { } good) Good = VerdictTokens.Checked(model, good, "good verdict");
        if (options.BadTokenId is { } bad) Bad = VerdictTokens.Checked(model, bad, "bad verdict");
        StepTag = options.StepTagId is { } tag ? VerdictTokens.Checked(model, tag, "step tag") : TagToken(model, options.StepTag);
    }

    /// <summary>Math-Shepherd's <c>encode(tag)[-1]</c>: the tag's one token, or the token after a lone space-prefix piece.</summary>
    private static LlamaToken TagToken(LlamaModel model, string tag)
    {
        var tokens = model.Tokenize(tag, addSpecial: false, parseSpecial: false);
        if (tokens.Length == 1 || (tokens.Length == 2 && VerdictTokens.Piece(model, tokens[0]).Trim().Length == 0)) return tokens[^1];
        throw new ScoringProtocolException($"The step tag '{tag}' is {tokens.Length} tokens ({VerdictTokens.Pieces(model, tokens)}) in {Path.GetFileName(model.Path)}'s vocabulary; the protocol needs it to be a single token (or give --step-tag-id).");
    }

    /// <summary>Longest sequence scored: the option, or else the model's trained context capped by the KV cache.</summary>
    public int MaxSequenceTokens { get; }

    public LlamaToken Good { get; }

    public LlamaToken Bad { get; }

    public LlamaToken StepTag { get; }

    public IReadOnlyDictionary<string, object?> Manifest() => new SortedDictionary<string, object?>(VerdictTokens.Manifest(_model, _protocolName, Good, Bad, _options, MaxSequenceTokens))
    {
        ["step_tag"] = VerdictTokens.Describe(_model, StepTag),
        ["input"] = "BOS + prompt + \" \" + answer (an answer without step tags is tagged as search-and-learn does: \"\\n\\n\" -> \" ки\\n\\n\", and a final \" ки\")",
        ["steps"] = _options.Steps.Name(),
        ["read_positions"] = "every position whose token is the step tag",
    };

    public string InputText(string prompt, string answer) => prompt + " " + StepSplitter.WithStepTags(answer, _options.Steps, _options.StepTag);

    public EncodedAnswer Encode(string prompt, string answer)
    {
        var tokens = _model.Tokenize(InputText(prompt, answer), addSpecial: true, parseSpecial: false);
        var reads = new List<int>();
        for (var i = 0; i < tokens.Length; i++)
            if (tokens[i] == StepTag) reads.Add(i);
        if (reads.Count == 0) return new EncodedAnswer([], [], ScoreStatus.NoCompleteStep, 0, tokens.Length);
        return VerdictTokens.Cut(tokens, reads.ToArray(), reads.Count, tokens.Length, MaxSequenceTokens);
    }
}
