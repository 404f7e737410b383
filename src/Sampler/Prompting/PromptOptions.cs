using BestOfN.Problems;

namespace BestOfN.Sampler.Prompting;

public enum PromptFormat
{
    /// <summary>The problem text alone, no template (how RLHFlow's Mistral samples were made).</summary>
    Raw,
    /// <summary>The model's chat template (or a named one), with an optional system prompt.</summary>
    Chat,
    /// <summary>k exemplars from a train file in lm-evaluation-harness's GSM8K layout: "Question: … Answer: …".</summary>
    FewShot,
    /// <summary>A conversation from a JSON list of messages, with {question} standing for the problem.</summary>
    Messages,
}

public static class PromptDefaults
{
    public const PromptFormat Format = PromptFormat.Chat;
    public const int FewShotCount = 8;
    public const int FewShotSeed = 1234;
    public const string QuestionPlaceholder = "{question}";

    /// <summary>lm-evaluation-harness's gsm8k "until" list.</summary>
    public static readonly IReadOnlyList<string> FewShotStopStrings = ["Question:", "</s>", "<|im_end|>"];
}

/// <summary>How each problem becomes a prompt.</summary>
public sealed record PromptOptions
{
    /// <summary>The default value is Chat.</summary>
    public PromptFormat Format { get; init; } = PromptDefaults.Format;

    /// <summary>A system message for the Chat format, e.g. "Please reason step by step, and put your final answer within \boxed{}.". The default value is none.</summary>
    public string? SystemPrompt { get; init; }

    /// <summary>A built-in template name (llama3, chatml, mistral-v7, …) or template text; null takes the model's. The default value is null.</summary>
    public string? ChatTemplate { get; init; }

    /// <summary>The train file the FewShot format draws exemplars from, e.g. gsm8k:train.jsonl. The default value is none.</summary>
    public DatasetSpec? FewShotSource { get; init; }

    /// <summary>Exemplars per prompt. The default value is 8.</summary>
    public int FewShotCount { get; init; } = PromptDefaults.FewShotCount;

    /// <summary>Seed of the exemplar draw (with the problem id, so each problem has its own fixed set). The default value is 1234.</summary>
    public int FewShotSeed { get; init; } = PromptDefaults.FewShotSeed;

    /// <summary>JSON file of [{"role": …, "content": …}] with {question} in some content, for the Messages format. The default value is none.</summary>
    public string? MessagesFile { get; init; }

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Format == PromptFormat.FewShot && FewShotSource is null) errors.Add("--prompt fewshot needs --fewshot-file (for example gsm8k:train.jsonl).");
        if (Format == PromptFormat.FewShot && FewShotCount < 0) errors.Add($"--fewshot-k must be >= 0, got {FewShotCount}.");
        if (Format == PromptFormat.Messages && MessagesFile is null) errors.Add("--prompt messages needs --messages-file.");
        if (Format == PromptFormat.Messages && MessagesFile is not null && !File.Exists(MessagesFile)) errors.Add($"--messages-file {MessagesFile} does not exist.");
        if (SystemPrompt is not null && Format != PromptFormat.Chat) errors.Add("--system applies to --prompt chat only.");
        return errors;
    }
}
