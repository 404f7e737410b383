using System.Text;
using System.Text.Json;
using BestOfN.Llama;
using BestOfN.Problems;
using BestOfN.Sampler.Sampling;

namespace BestOfN.Sampler.Prompting;

/// <summary>Turns problems into prompt text and tokens, in one of the <see cref="PromptFormat"/>s.</summary>
public sealed class PromptRenderer
{
    private readonly LlamaModel _model;
    private readonly PromptOptions _options;
    private readonly IReadOnlyList<Problem> _fewShotPool;
    private readonly IReadOnlyList<ChatMessage> _messages;

    public PromptRenderer(LlamaModel model, PromptOptions options)
    {
        var errors = options.Validate();
        if (errors.Count > 0) throw new ArgumentException("Invalid prompt options:\n  " + string.Join("\n  ", errors));
        _model = model;
        _options = options;
        _fewShotPool = options.Format == PromptFormat.FewShot ? DatasetLoader.Load(options.FewShotSource!) : [];
        if (options.Format == PromptFormat.FewShot && _fewShotPool.Count < options.FewShotCount + 1)
            throw new ArgumentException($"{options.FewShotSource!.Path} has {_fewShotPool.Count} problems, too few for {options.FewShotCount} exemplars.");
        _messages = options.Format == PromptFormat.Messages ? ReadMessages(options.MessagesFile!) : [];
    }

    /// <summary>Stop strings the format implies (lm-evaluation-harness's for few-shot); added to the user's own.</summary>
    public IReadOnlyList<string> FormatStopStrings => _options.Format == PromptFormat.FewShot ? PromptDefaults.FewShotStopStrings : [];

    public PreparedPrompt Prepare(Problem problem)
    {
        var text = Render(problem);
        // Templated formats carry control tokens as text (<|im_start|>); only they may parse them.
        var templated = _options.Format is PromptFormat.Chat or PromptFormat.Messages;
        var tokens = _model.Tokenize(text, addSpecial: !StartsWithBos(text), parseSpecial: templated);
        return new PreparedPrompt(problem.Id, text, tokens);
    }

    public string Render(Problem problem) => _options.Format switch
    {
        PromptFormat.Raw => problem.Question,
        PromptFormat.Chat => _model.ApplyChatTemplate(ChatFor(problem), addAssistant: true, _options.ChatTemplate),
        PromptFormat.FewShot => FewShot(problem),
        PromptFormat.Messages => _model.ApplyChatTemplate(
            _messages.Select(m => m with { Content = m.Content.Replace(PromptDefaults.QuestionPlaceholder, problem.Question) }).ToList(),
            addAssistant: true, _options.ChatTemplate),
        _ => throw new ArgumentOutOfRangeException(nameof(problem)),
    };

    private List<ChatMessage> ChatFor(Problem problem)
    {
        var chat = new List<ChatMessage>();
        if (_options.SystemPrompt is { } system) chat.Add(new ChatMessage("system", system));
        chat.Add(new ChatMessage("user", problem.Question));
        return chat;
    }

    // lm-evaluation-harness gsm8k layout: "Question: {q}\nAnswer: {full answer}\n\n" per exemplar, then the target.
    private string FewShot(Problem problem)
    {
        var rng = new Random((int)SampleSeed.Derive((ulong)_options.FewShotSeed, problem.Id, 0));
        var exemplars = _fewShotPool.Where(p => p.Question != problem.Question)
            .OrderBy(_ => rng.Next()).Take(_options.FewShotCount);
        var sb = new StringBuilder();
        foreach (var e in exemplars)
            sb.Append("Question: ").Append(e.Question).Append("\nAnswer: ").Append(e.Solution ?? e.GoldAnswer).Append("\n\n");
        sb.Append("Question: ").Append(problem.Question).Append("\nAnswer:");
        return sb.ToString();
    }

    private bool StartsWithBos(string text)
    {
        var bos = _model.Detokenize([_model.Bos], special: true);
        return bos.Length > 0 && text.StartsWith(bos, StringComparison.Ordinal);
    }

    private static List<ChatMessage> ReadMessages(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        if (doc.RootElement.ValueKind != JsonValueKind.Array) throw new DatasetException(path, 1, null, "expected a JSON list of {\"role\", \"content\"} messages");
        var messages = new List<ChatMessage>();
        var i = 0;
        foreach (var m in doc.RootElement.EnumerateArray())
        {
            i++;
            string Get(string field) => m.ValueKind == JsonValueKind.Object && m.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String
                ? v.GetString()! : throw new DatasetException(path, 1, $"[{i - 1}].{field}", "missing or not a string");
            messages.Add(new ChatMessage(Get("role"), Get("content")));
        }
        if (!messages.Any(m => m.Content.Contains(PromptDefaults.QuestionPlaceholder, StringComparison.Ordinal)))
            throw new DatasetException(path, 1, "content", $"no message contains the placeholder {PromptDefaults.QuestionPlaceholder} for the problem text");
        return messages;
    }
}
