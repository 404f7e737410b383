using BestOfN.Llama;
using BestOfN.Problems;
using BestOfN.Sampler.Sampling;

namespace BestOfN.Sampler.Prompting;

/// <summary>Turns problems into prompt text and tokens, in one of the <see cref="PromptFormat"/>s.</summary>
public sealed class PromptRenderer
{
    private readonly LlamaModel _model;
    private readonly PromptContent _content;

    public PromptRenderer(LlamaModel model, PromptOptions options)
    {
        _model = model;
        _content = new PromptContent(options);
    }

    /// <summary>Stop strings the format implies (lm-evaluation-harness's for few-shot); added to the user's own.</summary>
    public IReadOnlyList<string> FormatStopStrings => _content.FormatStopStrings;

    public PreparedPrompt Prepare(Problem problem)
    {
        var text = Render(problem);
        // Templated formats carry control tokens as text (<|im_start|>); only they may parse them.
        var tokens = _model.Tokenize(text, addSpecial: !StartsWithBos(text), parseSpecial: _content.IsConversation);
        return new PreparedPrompt(problem.Id, text, tokens);
    }

    public string Render(Problem problem) => _content.IsConversation
        ? _model.ApplyChatTemplate(_content.Conversation(problem), addAssistant: true, _content.Options.ChatTemplate)
        : _content.Text(problem);

    private bool StartsWithBos(string text)
    {
        var bos = _model.Detokenize([_model.Bos], special: true);
        return bos.Length > 0 && text.StartsWith(bos, StringComparison.Ordinal);
    }
}
