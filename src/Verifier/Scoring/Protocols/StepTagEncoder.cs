using BestOfN.Llama;

namespace BestOfN.Verifier.Scoring;

/// <summary>
/// Math-Shepherd's input: plain <c>prompt + " " + answer</c> with BOS, read at every step-tag token. The verdicts are the pieces of
/// <c>"{good} {bad}"</c> (Math-Shepherd's <c>encode(f"{good} {bad}")[1:]</c>: " +" and " -"); the tag must be one token.
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
        var pair = model.Tokenize($"{options.GoodToken} {options.BadToken}", addSpecial: false, parseSpecial: false);
        if (pair.Length != 2)
            throw new ScoringProtocolException($"'{options.GoodToken} {options.BadToken}' is {pair.Length} tokens ({VerdictTokens.Pieces(model, pair)}) in {Path.GetFileName(model.Path)}'s vocabulary; {protocolName} needs exactly one token for each verdict.");
        Good = pair[0];
        Bad = pair[1];
        StepTag = VerdictTokens.Single(model, options.StepTag, "step tag");
    }

    public LlamaToken Good { get; }

    public LlamaToken Bad { get; }

    public LlamaToken StepTag { get; }

    public IReadOnlyDictionary<string, object?> Manifest() => new SortedDictionary<string, object?>(VerdictTokens.Manifest(_model, _protocolName, Good, Bad, _options))
    {
        ["step_tag"] = VerdictTokens.Describe(_model, StepTag),
        ["input"] = "BOS + prompt + \" \" + answer (an answer without step tags is tagged as search-and-learn does: \"\\n\\n\" -> \" ки\\n\\n\", and a final \" ки\")",
        ["steps"] = _options.Steps.Name(),
        ["read_positions"] = "every position whose token is the step tag",
    };

    public EncodedAnswer Encode(string prompt, string answer)
    {
        var tokens = _model.Tokenize(prompt + " " + StepSplitter.WithStepTags(answer, _options.Steps, _options.StepTag), addSpecial: true, parseSpecial: false);
        var reads = new List<int>();
        for (var i = 0; i < tokens.Length; i++)
            if (tokens[i] == StepTag) reads.Add(i);
        if (reads.Count == 0) return new EncodedAnswer([], [], ScoreStatus.NoCompleteStep, 0, tokens.Length);
        return VerdictTokens.Cut(tokens, reads.ToArray(), reads.Count, tokens.Length, _options.MaxSequenceTokens);
    }
}
