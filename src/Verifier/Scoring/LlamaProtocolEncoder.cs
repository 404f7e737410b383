using BestOfN.Sampler.Llama;

namespace BestOfN.Verifier.Scoring;

/// <summary>An answer turned into the token sequence a generative reward model reads, and where to read it.</summary>
/// <param name="Tokens">The sequence, cut right after the last read position (later tokens cannot change causal logits).</param>
/// <param name="ReadPositions">Positions whose logits give the step (or outcome) scores, ascending.</param>
/// <param name="StepCount">Steps the answer has; more than <paramref name="ReadPositions"/> when truncated.</param>
/// <param name="FullLength">Tokens of the whole rendered sequence before any cut.</param>
public sealed record EncodedAnswer(LlamaToken[] Tokens, int[] ReadPositions, ScoreStatus Status, int StepCount, int FullLength);

/// <summary>
/// Builds the exact inputs of the generative reward-model protocols:
/// <list type="bullet">
/// <item>RLHFlow PRM: user <c>prompt + " " + step_1</c>, assistant <c>"+"</c>, user <c>step_2</c>, assistant <c>"+"</c>, … rendered with the
/// model's chat template; step k is read at the position whose next token is turn k's <c>+</c> (RLHFlow reads position -3 of the
/// conversation truncated after step k, which is that position for the Llama 3 template).</item>
/// <item>RLHFlow ORM: the same with one user turn holding the whole answer (" ки" tags removed).</item>
/// <item>Math-Shepherd: plain <c>prompt + " " + answer</c> with BOS, read at every step-tag token.</item>
/// </list>
/// Token ids come from the model's vocabulary; a verdict or tag that is not one token is an error.
/// </summary>
public sealed class LlamaProtocolEncoder
{
    /// <summary>The system turn Llama 3.1's template always emits (with its default date) and llama.cpp's llama3 renderer does not.</summary>
    public const string Llama31SystemTurn =
        "<|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n<|eot_id|>";

    private readonly LlamaModel _model;
    private readonly ScorerOptions _options;
    private readonly string? _template;
    private readonly string _preamble = "";

    public LlamaProtocolEncoder(LlamaModel model, ScorerOptions options)
    {
        _model = model;
        _options = options;
        switch (options.Protocol)
        {
            case ScoringProtocol.RlhflowPrm or ScoringProtocol.RlhflowOrm:
                Good = SingleToken(options.GoodToken, "good verdict");
                Bad = SingleToken(options.BadToken, "bad verdict");
                _template = options.ChatTemplate ?? model.ChatTemplate()
                    ?? throw new ScoringProtocolException($"{model.Path} has no chat template in its metadata; name one with --chat-template (RLHFlow's models use llama3).");
                var isLlama31 = _template.Contains("Cutting Knowledge Date", StringComparison.Ordinal);
                if (options.Llama31SystemTurn ?? isLlama31) _preamble = Llama31SystemTurn;
                break;
            case ScoringProtocol.MathShepherd:
                // As Math-Shepherd's usage: candidates = encode(f"{good} {bad}")[1:], the pieces of " +" and " -".
                var pair = model.Tokenize($"{options.GoodToken} {options.BadToken}", addSpecial: false, parseSpecial: false);
                if (pair.Length != 2)
                    throw new ScoringProtocolException($"'{options.GoodToken} {options.BadToken}' is {pair.Length} tokens ({Pieces(pair)}) in {Path.GetFileName(model.Path)}'s vocabulary; Math-Shepherd needs exactly one token for each verdict.");
                Good = pair[0];
                Bad = pair[1];
                StepTag = SingleToken(options.StepTag, "step tag");
                break;
            default:
                throw new ArgumentException($"{options.Protocol.Name()} is not a llama.cpp protocol.", nameof(options));
        }
    }

    public LlamaToken Good { get; }

    public LlamaToken Bad { get; }

    /// <summary>Math-Shepherd's step-tag token; null for the RLHFlow protocols.</summary>
    public LlamaToken? StepTag { get; }

    /// <summary>The template text (or built-in name) the chat is rendered with; null for Math-Shepherd.</summary>
    public string? Template => _template;

    /// <summary>Text put before the rendered chat (Llama 3.1's system turn), or empty.</summary>
    public string Preamble => _preamble;

    /// <summary>Protocol, token ids and read rule, for the run's manifest.</summary>
    public IReadOnlyDictionary<string, object?> Manifest()
    {
        var m = new SortedDictionary<string, object?>
        {
            ["protocol"] = _options.Protocol.Name(),
            ["runtime"] = "llama.cpp",
            ["model_path"] = _model.Path,
            ["model_description"] = _model.Description,
            ["good_token"] = new Dictionary<string, object> { ["id"] = Good.Id, ["piece"] = Piece(Good) },
            ["bad_token"] = new Dictionary<string, object> { ["id"] = Bad.Id, ["piece"] = Piece(Bad) },
            ["score"] = "softmax([logit(good), logit(bad)])[0]",
            ["max_sequence_tokens"] = _options.MaxSequenceTokens,
        };
        if (_options.Protocol == ScoringProtocol.MathShepherd)
        {
            m["step_tag"] = new Dictionary<string, object> { ["id"] = StepTag!.Value.Id, ["piece"] = Piece(StepTag.Value) };
            m["input"] = "BOS + prompt + \" \" + answer (an answer without step tags is tagged as search-and-learn does: \"\\n\\n\" -> \" ки\\n\\n\", and a final \" ки\")";
            m["steps"] = _options.Steps.Name();
            m["read_positions"] = "every position whose token is the step tag";
        }
        else
        {
            m["chat_template"] = _options.ChatTemplate ?? "model";
            m["llama31_system_turn"] = _preamble.Length > 0;
            m["steps"] = _options.Steps.Name();
            m["input"] = _options.Protocol == ScoringProtocol.RlhflowPrm
                ? "chat: user prompt + \" \" + step_1, assistant \"+\", user step_2, assistant \"+\", ... (steps stripped, empty ones dropped)"
                : "chat: user prompt + \" \" + answer (\" ки\" removed from ки-tagged answers), assistant \"+\"";
            m["read_positions"] = "each assistant turn: the position whose next token is that turn's good token (RLHFlow's logits[-3] of the truncated chat)";
        }
        return m;
    }

    public EncodedAnswer Encode(string prompt, string answer) => _options.Protocol switch
    {
        ScoringProtocol.RlhflowPrm => EncodeChat(prompt, StepSplitter.Split(answer, _options.Steps)),
        ScoringProtocol.RlhflowOrm => EncodeChat(prompt, [StepSplitter.ForOutcome(answer, _options.Steps)]),
        ScoringProtocol.MathShepherd => EncodeTagged(prompt, answer),
        _ => throw new InvalidOperationException(),
    };

    /// <summary>The rendered conversation of an answer, for audit and for reference implementations.</summary>
    public IReadOnlyList<ChatMessage> Conversation(string prompt, IReadOnlyList<string> steps)
    {
        var messages = new List<ChatMessage>(2 * steps.Count);
        for (var k = 0; k < steps.Count; k++)
        {
            messages.Add(new ChatMessage("user", k == 0 ? prompt + " " + steps[0] : steps[k]));
            messages.Add(new ChatMessage("assistant", _options.GoodToken));
        }
        return messages;
    }

    /// <summary>The chat rendered as the model's template does (with the preamble), ready to tokenize with BOS.</summary>
    public string Render(IReadOnlyList<ChatMessage> messages, bool addAssistant) => _preamble + _model.ApplyChatTemplate(messages, addAssistant, _template);

    private EncodedAnswer EncodeChat(string prompt, IReadOnlyList<string> steps)
    {
        if (steps.Count == 0) return new EncodedAnswer([], [], ScoreStatus.NoCompleteStep, 0, 0);
        var messages = Conversation(prompt, steps);
        var full = Render(messages, addAssistant: false);
        var good = _options.GoodToken;

        var offsets = VerdictOffsets(messages, full, useSentinels: true);

        var fullTokens = _model.Tokenize(full, addSpecial: true, parseSpecial: true);
        // Linear path: tokenize the text between the verdicts and put the verdict token in between; valid when it
        // reproduces the tokenization of the whole conversation (true when the tokenizer splits before and after "+").
        var tokens = new List<LlamaToken>(fullTokens.Length);
        var reads = new int[steps.Count];
        var from = 0;
        for (var k = 0; k < steps.Count; k++)
        {
            tokens.AddRange(_model.Tokenize(full[from..offsets[k]], addSpecial: k == 0, parseSpecial: true));
            reads[k] = tokens.Count - 1;
            tokens.Add(Good);
            from = offsets[k] + good.Length;
        }
        if (!IsPrefix(tokens, fullTokens))
        {
            // The tokenizer merges across a boundary: read where the whole conversation's tokens put each verdict.
            for (var k = 0; k < steps.Count; k++)
            {
                var head = _model.Tokenize(full[..offsets[k]], addSpecial: true, parseSpecial: true);
                if (head.Length >= fullTokens.Length || !IsPrefix(head, fullTokens) || fullTokens[head.Length] != Good)
                    throw new ScoringProtocolException($"In the tokenized conversation, the assistant's '{good}' of step {k + 1} is not the token {Good.Id} ({Piece(Good)}) right after the header.");
                reads[k] = head.Length - 1;
            }
            tokens = [.. fullTokens.AsSpan(0, reads[^1] + 2)];
        }
        return Cut(tokens, reads, steps.Count, fullTokens.Length);
    }

    /// <summary>
    /// Where each assistant verdict starts in the rendered chat. Linear path: render once with a unique sentinel as each assistant's
    /// content, and check that putting the verdict back in the sentinels' places gives the real rendering exactly. Otherwise (a template
    /// that treats content specially), render the chat up to each turn's header with the generation prompt: quadratic, but exact.
    /// </summary>
    internal int[] VerdictOffsets(IReadOnlyList<ChatMessage> messages, string full, bool useSentinels)
    {
        if (useSentinels && SentinelOffsets(messages, full) is { } fast) return fast;
        var good = _options.GoodToken;
        var offsets = new int[messages.Count / 2];
        for (var k = 0; k < offsets.Length; k++)
        {
            var head = Render(messages.Take(2 * k + 1).ToList(), addAssistant: true);
            if (!full.StartsWith(head, StringComparison.Ordinal) || string.CompareOrdinal(full, head.Length, good, 0, good.Length) != 0)
                throw new ScoringProtocolException($"The chat template does not put the assistant's '{good}' right after the assistant header (step {k + 1}); this protocol cannot be read from it.");
            offsets[k] = head.Length;
        }
        return offsets;
    }

    internal int[]? SentinelOffsets(IReadOnlyList<ChatMessage> messages, string full)
    {
        const char open = '\uE000', close = '\uE001'; // private-use characters: never trimmed, never in a template
        if (messages.Any(m => m.Content.Contains(open) || m.Content.Contains(close))) return null;
        var probe = messages.Select((m, i) => i % 2 == 1 ? m with { Content = $"{open}{i / 2}{close}" } : m).ToList();
        var text = Render(probe, addAssistant: false);
        var rebuilt = new System.Text.StringBuilder(full.Length);
        var offsets = new int[messages.Count / 2];
        int pos = 0, k = 0;
        for (var start = text.IndexOf(open, pos); start >= 0; start = text.IndexOf(open, pos))
        {
            var end = text.IndexOf(close, start);
            if (end < 0 || k == offsets.Length || text[(start + 1)..end] != k.ToString(System.Globalization.CultureInfo.InvariantCulture)) return null;
            rebuilt.Append(text, pos, start - pos);
            offsets[k++] = rebuilt.Length;
            rebuilt.Append(_options.GoodToken);
            pos = end + 1;
        }
        rebuilt.Append(text, pos, text.Length - pos);
        return k == offsets.Length && rebuilt.ToString() == full ? offsets : null;
    }

    private EncodedAnswer EncodeTagged(string prompt, string answer)
    {
        var tokens = _model.Tokenize(prompt + " " + StepSplitter.WithStepTags(answer, _options.Steps, _options.StepTag), addSpecial: true, parseSpecial: false);
        var tag = StepTag!.Value;
        var reads = new List<int>();
        for (var i = 0; i < tokens.Length; i++)
            if (tokens[i] == tag) reads.Add(i);
        if (reads.Count == 0) return new EncodedAnswer([], [], ScoreStatus.NoCompleteStep, 0, tokens.Length);
        return Cut(tokens, reads.ToArray(), reads.Count, tokens.Length);
    }

    /// <summary>Drops tokens after the last read, and reads past the sequence limit (marking the answer truncated).</summary>
    private EncodedAnswer Cut(IReadOnlyList<LlamaToken> tokens, int[] reads, int stepCount, int fullLength)
    {
        var kept = reads.Count(r => r < _options.MaxSequenceTokens);
        var status = kept == reads.Length ? ScoreStatus.Ok : ScoreStatus.Truncated;
        if (kept == 0) return new EncodedAnswer([], [], status, stepCount, fullLength);
        var end = reads[kept - 1] + 1;
        var cut = new LlamaToken[end];
        for (var i = 0; i < end; i++) cut[i] = tokens[i];
        return new EncodedAnswer(cut, reads[..kept], status, stepCount, fullLength);
    }

    private static bool IsPrefix(IReadOnlyList<LlamaToken> prefix, LlamaToken[] of)
    {
        if (prefix.Count > of.Length) return false;
        for (var i = 0; i < prefix.Count; i++)
            if (prefix[i] != of[i]) return false;
        return true;
    }

    private LlamaToken SingleToken(string text, string what)
    {
        var tokens = _model.Tokenize(text, addSpecial: false, parseSpecial: false);
        if (tokens.Length != 1)
            throw new ScoringProtocolException($"The {what} '{text}' is {tokens.Length} tokens ({Pieces(tokens)}) in {Path.GetFileName(_model.Path)}'s vocabulary; the protocol needs it to be a single token.");
        return tokens[0];
    }

    private string Piece(LlamaToken token) => _model.Detokenize([token], special: true);

    private string Pieces(IEnumerable<LlamaToken> tokens) => string.Join(" ", tokens.Select(t => $"{t.Id}:'{Piece(t)}'"));
}
