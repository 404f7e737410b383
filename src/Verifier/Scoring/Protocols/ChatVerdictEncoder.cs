using BestOfN.Llama;

namespace BestOfN.Verifier.Scoring;

/// <summary>
/// The RLHFlow chat input: user <c>prompt + " " + turn_1</c>, assistant <c>"+"</c>, user <c>turn_2</c>, assistant <c>"+"</c>, … rendered with
/// the model's chat template; turn k is read at the position whose next token is turn k's <c>+</c> (RLHFlow reads position -3 of the
/// conversation truncated after turn k, which is that position for the Llama 3 template). The PRM makes each step a turn (empty steps
/// included, as the reference does); the ORM has one turn holding the whole answer (" ки" tags removed). Every message is stripped the
/// Python way first (Jinja's <c>trim</c>), and a chat that renders as Llama 3 gets Llama 3.1's default system turn, which the real template
/// always emits and llama.cpp's renderer does not, whether the template is the model's or the built-in llama3. A verdict that is not one
/// token in the vocabulary is an error.
/// </summary>
public sealed class ChatVerdictEncoder : IVerdictEncoder
{
    /// <summary>The system turn Llama 3.1's template always emits (with its default date) and llama.cpp's llama3 renderer does not.</summary>
    public const string Llama31SystemTurn =
        "<|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n<|eot_id|>";

    private readonly LlamaModel _model;
    private readonly ScorerOptions _options;
    private readonly string _protocolName;
    private readonly Func<string, IReadOnlyList<string>> _turns;
    private readonly string _template;
    private readonly string _preamble = "";

    /// <param name="turns">The answer's user turns: its steps (PRM), or the whole answer as one (ORM); empty when it has none.</param>
    public ChatVerdictEncoder(LlamaModel model, ScorerOptions options, string protocolName, Func<string, IReadOnlyList<string>> turns)
    {
        _model = model;
        _options = options;
        _protocolName = protocolName;
        _turns = turns;
        Good = VerdictTokens.Resolve(model, options.GoodToken, options.GoodTokenId, "good verdict");
        Bad = VerdictTokens.Resolve(model, options.BadToken, options.BadTokenId, "bad verdict");
        MaxSequenceTokens = VerdictTokens.MaxSequenceTokens(model, options);
        _template = options.ChatTemplate ?? model.ChatTemplate()
            ?? throw new ScoringProtocolException($"{model.Path} has no chat template in its metadata; give --chat-template llama3 (RLHFlow's models are Llama 3.1: its system turn is added).");
        bool rendersLlama3;
        try
        {
            rendersLlama3 = RendersLlama3(model, _template);
        }
        catch (LlamaException e)
        {
            throw Unrenderable(e);
        }
        if (options.Llama31SystemTurn ?? rendersLlama3) _preamble = Llama31SystemTurn;
        Probe();
    }

    /// <summary>
    /// Encodes a two-step answer once, so a template llama.cpp does not know, or one that hides the verdict, fails here, before any
    /// scorer is stored or any sample drawn, and not later inside the parallel encode of the first problem.
    /// </summary>
    private void Probe()
    {
        try
        {
            EncodeChat("What is 1 + 1?", ["1 + 1 = 2", "The answer is 2"]);
        }
        catch (LlamaException e)
        {
            throw Unrenderable(e);
        }
    }

    private ScoringProtocolException Unrenderable(LlamaException e)
    {
        var template = _options.ChatTemplate is { } named ? $"--chat-template {named}" : $"the chat template of {Path.GetFileName(_model.Path)}";
        return new ScoringProtocolException($"{_protocolName} cannot render {template}: {e.Message}");
    }

    /// <summary>True when the template renders Llama 3's headers (the model's Llama 3 / 3.1 template, or the built-in llama3).</summary>
    public static bool RendersLlama3(LlamaModel model, string template) =>
        model.ApplyChatTemplate([new ChatMessage("user", "x")], addAssistant: false, template).StartsWith("<|start_header_id|>user<|end_header_id|>", StringComparison.Ordinal);

    /// <summary>Longest sequence scored: the option, or else the model's trained context capped by the KV cache.</summary>
    public int MaxSequenceTokens { get; }

    public LlamaToken Good { get; }

    public LlamaToken Bad { get; }

    /// <summary>The template text (or built-in name) the chat is rendered with.</summary>
    public string Template => _template;

    /// <summary>Text put before the rendered chat (Llama 3.1's system turn), or empty.</summary>
    public string Preamble => _preamble;

    public IReadOnlyDictionary<string, object?> Manifest() => new SortedDictionary<string, object?>(VerdictTokens.Manifest(_model, _protocolName, Good, Bad, _options, MaxSequenceTokens))
    {
        ["chat_template"] = _options.ChatTemplate ?? "model",
        ["llama31_system_turn"] = _preamble.Length > 0,
        ["steps"] = _options.Steps.Name(),
        ["empty_steps"] = _options.EmptySteps.Name(),
        ["input"] = "chat: user prompt + \" \" + turn_1, assistant \"+\", user turn_2, assistant \"+\", ... every message stripped as Python's str.strip (PRM: a turn per step, empty ones " +
            (_options.EmptySteps == EmptySteps.Keep ? "kept" : "dropped") + "; ORM: one turn, \" ки\" removed)",
        ["read_positions"] = "each assistant turn: the position whose next token is that turn's good token (RLHFlow's logits[-3] of the truncated chat)",
    };

    public EncodedAnswer Encode(string prompt, string answer) => EncodeChat(prompt, _turns(answer));

    public string InputText(string prompt, string answer) => Render(Conversation(prompt, _turns(answer)), addAssistant: false);

    /// <summary>The rendered conversation of an answer, for audit and for reference implementations.</summary>
    public IReadOnlyList<ChatMessage> Conversation(string prompt, IReadOnlyList<string> steps)
    {
        var messages = new List<ChatMessage>(2 * steps.Count);
        for (var k = 0; k < steps.Count; k++)
        {
            // Jinja's trim strips Unicode whitespace, llama.cpp's ASCII only: strip here so that both render the same text.
            messages.Add(new ChatMessage("user", StepSplitter.PythonStrip(k == 0 ? prompt + " " + steps[0] : steps[k])));
            messages.Add(new ChatMessage("assistant", StepSplitter.PythonStrip(_options.GoodToken)));
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
        return VerdictTokens.Cut(tokens, reads, steps.Count, fullTokens.Length, MaxSequenceTokens);
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

    private static bool IsPrefix(IReadOnlyList<LlamaToken> prefix, LlamaToken[] of)
    {
        if (prefix.Count > of.Length) return false;
        for (var i = 0; i < prefix.Count; i++)
            if (prefix[i] != of[i]) return false;
        return true;
    }

    private string Piece(LlamaToken token) => VerdictTokens.Piece(_model, token);
}
