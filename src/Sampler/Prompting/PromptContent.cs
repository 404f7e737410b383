using System.Text;
using System.Text.Json;
using BestOfN.Llama;
using BestOfN.Problems;
using BestOfN.Sampler.Sampling;

namespace BestOfN.Sampler.Prompting;

/// <summary>
/// What a prompt says, before any model sees it: the problem text (raw), the few-shot text, or the chat messages (chat, messages).
/// <see cref="PromptRenderer"/> renders it with a local model's template; a server generator sends it as it is, and the server applies its own.
/// </summary>
public sealed class PromptContent
{
    private readonly PromptOptions _options;
    private readonly IReadOnlyList<Problem> _fewShotPool;
    private readonly IReadOnlyList<ChatMessage> _messages;

    public PromptContent(PromptOptions options)
    {
        var errors = options.Validate();
        if (errors.Count > 0) throw new ArgumentException("Invalid prompt options:\n  " + string.Join("\n  ", errors));
        _options = options;
        _fewShotPool = options.Format == PromptFormat.FewShot ? DatasetLoader.Load(options.FewShotSource!) : [];
        if (options.Format == PromptFormat.FewShot && _fewShotPool.Count < options.FewShotCount + 1)
            throw new ArgumentException($"{options.FewShotSource!.Path} has {_fewShotPool.Count} problems, too few for {options.FewShotCount} exemplars.");
        _messages = options.Format == PromptFormat.Messages ? ReadMessages(options.MessagesFile!) : [];
    }

    public PromptOptions Options => _options;

    /// <summary>True for the formats that are a conversation (chat, messages); false for plain text (raw, few-shot).</summary>
    public bool IsConversation => _options.Format is PromptFormat.Chat or PromptFormat.Messages;

    /// <summary>Stop strings the format implies (lm-evaluation-harness's for few-shot); added to the user's own.</summary>
    public IReadOnlyList<string> FormatStopStrings => _options.Format == PromptFormat.FewShot ? PromptDefaults.FewShotStopStrings : [];

    /// <summary>The prompt text of a plain-text format.</summary>
    public string Text(Problem problem) => _options.Format switch
    {
        PromptFormat.Raw => problem.Question,
        PromptFormat.FewShot => FewShot(problem),
        _ => throw new InvalidOperationException($"--prompt {_options.Format.ToString().ToLowerInvariant()} is a conversation, not text."),
    };

    /// <summary>The messages of a conversation format.</summary>
    public IReadOnlyList<ChatMessage> Conversation(Problem problem) => _options.Format switch
    {
        PromptFormat.Chat => ChatFor(problem),
        PromptFormat.Messages => _messages.Select(m => m with { Content = m.Content.Replace(PromptDefaults.QuestionPlaceholder, problem.Question) }).ToList(),
        _ => throw new InvalidOperationException($"--prompt {_options.Format.ToString().ToLowerInvariant()} is text, not a conversation."),
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
