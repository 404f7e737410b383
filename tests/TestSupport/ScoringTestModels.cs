using BestOfN.Llama.Gguf;
using BestOfN.Llama.Native;

namespace BestOfN.TestSupport;

/// <summary>Tiny reward-model GGUFs (random weights, real llama.cpp), written once per test run.</summary>
public static class ScoringTestModels
{
    /// <summary>A Llama 3.1-style template: llama.cpp recognises llama3 by its header tokens; "Cutting Knowledge Date" marks 3.1.</summary>
    public const string Llama31Template =
        "{{- bos_token }}{{- \"<|start_header_id|>system<|end_header_id|>\\n\\n\" }}{{- \"Cutting Knowledge Date: December 2023\\n\" }}" +
        "{%- for message in messages %}{{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' }}{%- endfor %}" +
        "{%- if add_generation_prompt %}{{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{%- endif %}";

    private static readonly Lazy<string> Folder = new(() => Directory.CreateTempSubdirectory("bestofn-scoring-tests").FullName);

    private static readonly TinyLlamaSpec Llama3Spec = new()
    {
        ExtraPieces = ["ки", " ки", " +", " -", "\n"],
        ExtraControlTokens = ["<|begin_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"],
        AddSpacePrefix = false,
        ChatTemplate = Llama31Template,
        Seed = 7,
        WeightScale = 0.5f,
    };

    private static readonly Lazy<string> Llama3Path = new(() => Write("rlhflow-llama3.gguf", Llama3Spec));

    private static readonly Lazy<string> Llama3NoTemplatePath = new(() => Write("rlhflow-llama3-no-template.gguf", Llama3Spec with { ChatTemplate = null }));

    private static readonly Lazy<string> BareTagPath = new(() => Write("shepherd-bare-tag.gguf", new TinyLlamaSpec
    {
        ExtraPieces = ["ки", " +", " -"],
        Seed = 11,
        WeightScale = 0.5f,
    }));

    private static readonly Lazy<string> ShepherdPath = new(() => Write("shepherd.gguf", new TinyLlamaSpec
    {
        ExtraPieces = ["ки", " ки", " +", " -"],
        Seed = 11,
        WeightScale = 0.5f,
    }));

    private static readonly Lazy<string> PlainPath = new(() => Write("plain.gguf", new TinyLlamaSpec()));

    /// <summary>Vocabulary with '+', '-', 'ки' and Llama 3 control tokens, no SentencePiece space prefix, a Llama 3.1 template.</summary>
    public static string Llama3Prm => Loaded(Llama3Path);

    /// <summary>The weights and vocabulary of <see cref="Llama3Prm"/> without a chat template in the GGUF (for <c>--chat-template llama3</c>).</summary>
    public static string Llama3PrmNoTemplate => Loaded(Llama3NoTemplatePath);

    /// <summary>A SentencePiece vocabulary with a bare 'ки' piece and no ' ки': "ки" tokenizes as '▁', 'ки'.</summary>
    public static string ShepherdBareTag => Loaded(BareTagPath);

    /// <summary>Vocabulary with ' +', ' -' and ' ки' pieces (and a bare 'ки'), as Math-Shepherd's Mistral tokenizer has them.</summary>
    public static string Shepherd => Loaded(ShepherdPath);

    /// <summary>The default tiny model: ChatML template, no ки piece, SentencePiece space prefix.</summary>
    public static string Plain => Loaded(PlainPath);

    public static string TempFile(string name) => Path.Combine(Folder.Value, $"{Guid.NewGuid():N}-{name}");

    private static string Loaded(Lazy<string> path)
    {
        LlamaRuntime.Load();
        return path.Value;
    }

    private static string Write(string name, TinyLlamaSpec spec)
    {
        var path = Path.Combine(Folder.Value, name);
        TinyLlamaModel.Write(path, spec);
        return path;
    }

    /// <summary>Answers in both step styles, of different lengths, sharing nothing after the problem text.</summary>
    public static IReadOnlyList<string> Answers { get; } =
    [
        "Step 1: the total is 3 + 4 = 7 ки\nStep 2: so the answer is 7 ки",
        "We add 3 and 4.\n\nThat is 7.\n\nSo the answer is \\boxed{7}.",
        "Let x = 3 + 4 ки\nthen x = 7 ки\nso we have 7 - 0 = 7 ки\nThe answer is 7 ки",
        "the answer is 12",
        "   \n\n  ",
        "3 + 4 = 8\n\nso 8",
    ];
}
