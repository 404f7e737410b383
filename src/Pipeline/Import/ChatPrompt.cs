namespace BestOfN.Pipeline;

/// <summary>
/// The question inside a published prompt, for matching it with a dataset's question: sample sets ship prompts as the sampler saw them,
/// wrapped in a chat template (Llama 3 headers, Mistral/Llama 2 <c>[INST]</c>, ChatML) or with a system prompt in front.
/// </summary>
public static class ChatPrompt
{
    private static readonly (string Open, string Close)[] UserTurns =
    [
        ("<|start_header_id|>user<|end_header_id|>", "<|eot_id|>"), // Llama 3
        ("<|im_start|>user", "<|im_end|>"),                          // ChatML (Qwen, ...)
        ("[INST]", "[/INST]"),                                       // Mistral, Llama 2
    ];

    /// <summary>
    /// Texts the question may be, most likely first, each with whitespace collapsed: the whole prompt; the last user turn of a chat
    /// template (a Llama 2 <c>&lt;&lt;SYS&gt;&gt;</c> block removed); then each of these without its first lines (a system prompt prepended).
    /// </summary>
    public static IEnumerable<string> QuestionCandidates(string prompt)
    {
        var texts = new List<string> { prompt };
        if (LastUserTurn(prompt) is { } user) texts.Add(user);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var text in texts)
        {
            if (seen.Add(Normalize(text))) yield return Normalize(text);
        }
        foreach (var text in texts)
        {
            var lines = text.Split('\n');
            for (var first = 1; first < lines.Length; first++)
            {
                var rest = Normalize(string.Join('\n', lines[first..]));
                if (rest.Length > 0 && seen.Add(rest)) yield return rest;
            }
        }
    }

    /// <summary>Whitespace runs as one space, ends trimmed.</summary>
    public static string Normalize(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private static string? LastUserTurn(string prompt)
    {
        foreach (var (open, close) in UserTurns)
        {
            var start = prompt.LastIndexOf(open, StringComparison.Ordinal);
            if (start < 0) continue;
            start += open.Length;
            var end = prompt.IndexOf(close, start, StringComparison.Ordinal);
            var turn = end < 0 ? prompt[start..] : prompt[start..end];
            var system = turn.IndexOf("<</SYS>>", StringComparison.Ordinal);
            if (system >= 0) turn = turn[(system + "<</SYS>>".Length)..];
            return turn;
        }
        return null;
    }
}
