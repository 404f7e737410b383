using BestOfN.Llama;

namespace BestOfN.Verifier.Scoring;

/// <summary>An answer turned into the token sequence a generative reward model reads, and where to read it.</summary>
/// <param name="Tokens">The sequence, cut right after the last read position (later tokens cannot change causal logits).</param>
/// <param name="ReadPositions">Positions whose logits give the step (or outcome) scores, ascending.</param>
/// <param name="StepCount">Steps the answer has; more than <paramref name="ReadPositions"/> when truncated.</param>
/// <param name="FullLength">Tokens of the whole rendered sequence before any cut.</param>
public sealed record EncodedAnswer(LlamaToken[] Tokens, int[] ReadPositions, ScoreStatus Status, int StepCount, int FullLength);

/// <summary>
/// How a llama.cpp protocol reads an answer: the verdict tokens whose logits give P(good) = softmax([good, bad])[0], and the sequence
/// with its read positions. Two implementations: chat turns (RLHFlow) and step tags (Math-Shepherd).
/// </summary>
public interface IVerdictEncoder
{
    LlamaToken Good { get; }

    LlamaToken Bad { get; }

    EncodedAnswer Encode(string prompt, string answer);

    /// <summary>The text the model reads for an answer (the rendered conversation, or the tagged plain text), for --show-prompt; null when
    /// the encoder does not say.</summary>
    string? InputText(string prompt, string answer) => null;

    /// <summary>Protocol, token ids and read rule, for the scorer's manifest.</summary>
    IReadOnlyDictionary<string, object?> Manifest();
}

/// <summary>Token helpers the encoders share.</summary>
internal static class VerdictTokens
{
    /// <summary>The token a verdict or tag is: the id the user gave (checked against the vocabulary), or the one token of its text.</summary>
    public static LlamaToken Resolve(LlamaModel model, string text, int? id, string what) =>
        id is { } given ? Checked(model, given, what) : Single(model, text, what);

    public static LlamaToken Checked(LlamaModel model, int id, string what) =>
        id >= 0 && id < model.VocabSize ? new LlamaToken(id)
            : throw new ScoringProtocolException($"The {what} id {id} is outside {Path.GetFileName(model.Path)}'s vocabulary of {model.VocabSize} tokens.");

    /// <summary>The longest sequence scored: the option, or the model's trained context capped by the KV cache.</summary>
    public static int MaxSequenceTokens(LlamaModel model, ScorerOptions options) =>
        options.MaxSequenceTokens ?? Math.Min(model.TrainedContextLength > 0 ? model.TrainedContextLength : options.ContextSize, options.ContextSize);

    public static LlamaToken Single(LlamaModel model, string text, string what)
    {
        var tokens = model.Tokenize(text, addSpecial: false, parseSpecial: false);
        if (tokens.Length != 1)
            throw new ScoringProtocolException($"The {what} '{text}' is {tokens.Length} tokens ({Pieces(model, tokens)}) in {Path.GetFileName(model.Path)}'s vocabulary; the protocol needs it to be a single token.");
        return tokens[0];
    }

    public static string Piece(LlamaModel model, LlamaToken token) => model.Detokenize([token], special: true);

    public static string Pieces(LlamaModel model, IEnumerable<LlamaToken> tokens) => string.Join(" ", tokens.Select(t => $"{t.Id}:'{Piece(model, t)}'"));

    public static Dictionary<string, object> Describe(LlamaModel model, LlamaToken token) => new() { ["id"] = token.Id, ["piece"] = Piece(model, token) };

    /// <summary>The manifest entries every llama.cpp protocol writes: protocol, runtime, model, verdict tokens and the score rule.</summary>
    public static Dictionary<string, object?> Manifest(LlamaModel model, string protocolName, LlamaToken good, LlamaToken bad, ScorerOptions options, int maxSequenceTokens) => new()
    {
        ["protocol"] = protocolName,
        ["runtime"] = "llama.cpp",
        ["model_path"] = model.Path,
        ["model_description"] = model.Description,
        ["good_token"] = Describe(model, good),
        ["bad_token"] = Describe(model, bad),
        ["score"] = "softmax([logit(good), logit(bad)])[0]",
        ["max_sequence_tokens"] = maxSequenceTokens,
        ["model_trained_context"] = model.TrainedContextLength,
        ["token_ids_given"] = options.GoodTokenId is not null || options.BadTokenId is not null || options.StepTagId is not null,
    };

    /// <summary>Drops tokens after the last read, and reads past the sequence limit (marking the answer truncated).</summary>
    public static EncodedAnswer Cut(IReadOnlyList<LlamaToken> tokens, int[] reads, int stepCount, int fullLength, int maxSequenceTokens)
    {
        var kept = reads.Count(r => r < maxSequenceTokens);
        var status = kept == reads.Length ? ScoreStatus.Ok : ScoreStatus.Truncated;
        if (kept == 0) return new EncodedAnswer([], [], status, stepCount, fullLength);
        var end = reads[kept - 1] + 1;
        var cut = new LlamaToken[end];
        for (var i = 0; i < end; i++) cut[i] = tokens[i];
        return new EncodedAnswer(cut, reads[..kept], status, stepCount, fullLength);
    }
}
