using System.CommandLine;
using BestOfN.Verifier.Scoring;

namespace BestOfN.Cli.Options;

/// <summary>The reward-scoring options of <c>score</c>; the protocol names and their help come from <see cref="RewardProtocols"/>.</summary>
internal sealed class ScorerOptionGroup : IOptionGroup
{
    private static readonly RewardProtocolRegistry Registry = RewardProtocols.Default;

    public Option<string> Protocol { get; } = new Option<string>("--protocol")
    {
        Description = "Reward protocol: " + string.Join("; ", Registry.All.Select(p => $"{p.Name}: {p.Description}")),
        DefaultValueFactory = _ => ScorerDefaults.Protocol.Name,
    }.OneOf([.. Registry.All.Select(p => p.Name)]);
    public Option<string> Steps { get; } = new Option<string>("--steps")
    {
        Description = "Step separator of the RLHFlow protocols: auto (ки if present, else blank line), ki or blank-line",
        DefaultValueFactory = _ => ScorerDefaults.Steps.Name(),
    }.OneOf([.. Enum.GetValues<StepSplit>().Select(s => s.Name())]);
    public Option<string> EmptySteps { get; } = new Option<string>("--empty-steps")
    {
        Description = "RLHFlow protocols: keep (score an empty step as its own turn, as the reference does) or drop",
        DefaultValueFactory = _ => ScorerDefaults.Empty.Name(),
    }.OneOf([.. Enum.GetValues<EmptySteps>().Select(s => s.Name())]);
    public Option<int> Batch { get; } = new("--batch") { Description = "Answers decoded together (at most 256)", DefaultValueFactory = _ => ScorerDefaults.Batch };
    public Option<int> BatchTokens { get; } = new("--batch-tokens") { Description = "Tokens per llama_decode (n_batch)", DefaultValueFactory = _ => ScorerDefaults.BatchTokens };
    public Option<int> MicroBatchTokens { get; } = new("--ubatch-tokens") { Description = "Physical micro-batch (n_ubatch)", DefaultValueFactory = _ => ScorerDefaults.MicroBatchTokens };
    public Option<int> ContextSize { get; } = new("--ctx-size") { Description = "KV cache cells: the shared prefix plus every answer of a batch", DefaultValueFactory = _ => ScorerDefaults.ContextSize };
    public Option<string> Kv { get; } = new Option<string>("--kv")
    {
        Description = "llama.cpp KV layout: auto (per batch, split streams when batch x the longest sequence fits --ctx-size, else unified), unified or split",
        DefaultValueFactory = _ => ScorerDefaults.Kv.Name(),
    }.OneOf([.. Enum.GetValues<KvLayout>().Select(k => k.Name())]);
    public Option<int?> MaxTokens { get; } = new("--max-tokens") { Description = "Longest sequence scored; later steps are cut and the answer marked truncated (default: the model's trained context, capped by --ctx-size)" };
    public Option<int?> GoodTokenId { get; } = new("--good-token-id") { Description = "Token id of the good verdict instead of looking it up (Math-Shepherd: 648)" };
    public Option<int?> BadTokenId { get; } = new("--bad-token-id") { Description = "Token id of the bad verdict instead of looking it up (Math-Shepherd: 387)" };
    public Option<int?> StepTagId { get; } = new("--step-tag-id") { Description = "Token id of the step tag instead of looking it up (Math-Shepherd: 12902)" };
    public Option<string?> ChatTemplate { get; } = new("--chat-template") { Description = "Built-in template name (llama3, chatml, ...) instead of the model's" };
    public Option<string> Llama31SystemTurn { get; } = Switch("--llama31-system-turn", "Add Llama 3.1's default system turn: auto (when the chat renders as Llama 3, the model's template or llama3), on or off");
    public Option<string> FlashAttention { get; } = Switch("--flash-attn", "llama.cpp flash attention: auto, on or off");
    public Option<FileInfo> Tokenizer { get; } = new Option<FileInfo>("--tokenizer") { Description = "ONNX: tokenizer (a GGUF vocabulary, a SentencePiece .model or a WordPiece vocab.txt)" }.AcceptExistingOnly();
    public Option<string> OnnxInputIds { get; } = new("--onnx-input-ids") { Description = "ONNX: name of the token-id input", DefaultValueFactory = _ => ScorerDefaults.InputIdsName };
    public Option<string> OnnxAttentionMask { get; } = new("--onnx-attention-mask") { Description = "ONNX: name of the mask input ('' when there is none)", DefaultValueFactory = _ => ScorerDefaults.AttentionMaskName };
    public Option<string> OnnxOutput { get; } = new("--onnx-output") { Description = "ONNX: name of the output", DefaultValueFactory = _ => ScorerDefaults.OutputName };
    public Option<string> OnnxReadout { get; } = new Option<string>("--onnx-readout") { Description = "ONNX: sequence (one score per answer) or step-tags (a score at every step tag)", DefaultValueFactory = _ => "sequence" }.OneOf("sequence", "step-tags");
    public Option<int> OnnxPositiveClass { get; } = new("--onnx-positive-class") { Description = "ONNX: class whose probability is the score, for a two-class output", DefaultValueFactory = _ => ScorerDefaults.PositiveClass };
    public Option<bool> OnnxCpu { get; } = new("--onnx-cpu") { Description = "ONNX: never use the CUDA execution provider" };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[]
                 {
                     Protocol, Steps, EmptySteps, Batch, BatchTokens, MicroBatchTokens, ContextSize, Kv, MaxTokens, GoodTokenId, BadTokenId, StepTagId, ChatTemplate,
                     Llama31SystemTurn, FlashAttention,
                     Tokenizer, OnnxInputIds, OnnxAttentionMask, OnnxOutput, OnnxReadout, OnnxPositiveClass, OnnxCpu,
                 })
        {
            command.Options.Add(option);
        }
    }

    public ScorerOptions Read(ParseResult pr, int threads)
    {
        ScoringNames.TryParseStepSplit(pr.GetValue(Steps)!, out var steps);
        ScoringNames.TryParseEmptySteps(pr.GetValue(EmptySteps)!, out var empty);
        ScoringNames.TryParseKvLayout(pr.GetValue(Kv)!, out var kv);
        return new ScorerOptions
        {
            Protocol = Registry.Get(pr.GetValue(Protocol)!),
            Steps = steps,
            EmptySteps = empty,
            GoodTokenId = pr.GetValue(GoodTokenId),
            BadTokenId = pr.GetValue(BadTokenId),
            StepTagId = pr.GetValue(StepTagId),
            Batch = pr.GetValue(Batch),
            BatchTokens = pr.GetValue(BatchTokens),
            MicroBatchTokens = pr.GetValue(MicroBatchTokens),
            ContextSize = pr.GetValue(ContextSize),
            Kv = kv,
            MaxSequenceTokens = pr.GetValue(MaxTokens),
            Threads = threads,
            ChatTemplate = pr.GetValue(ChatTemplate),
            Llama31SystemTurn = ReadSwitch(pr, Llama31SystemTurn),
            FlashAttention = ReadSwitch(pr, FlashAttention),
            Onnx = new OnnxScorerOptions
            {
                TokenizerPath = pr.GetValue(Tokenizer)?.FullName,
                InputIdsName = pr.GetValue(OnnxInputIds)!,
                AttentionMaskName = pr.GetValue(OnnxAttentionMask)!,
                OutputName = pr.GetValue(OnnxOutput)!,
                PositiveClass = pr.GetValue(OnnxPositiveClass),
                UseCuda = !pr.GetValue(OnnxCpu),
                Readout = pr.GetValue(OnnxReadout) == "step-tags" ? Verifier.Scoring.OnnxReadout.StepTags : Verifier.Scoring.OnnxReadout.Sequence,
            },
        };
    }

    /// <summary>An auto/on/off option: auto is null (the library decides).</summary>
    public static Option<string> Switch(string name, string description) =>
        new Option<string>(name) { Description = description, DefaultValueFactory = _ => "auto" }.OneOf("auto", "on", "off");

    public static bool? ReadSwitch(ParseResult pr, Option<string> option) => pr.GetValue(option) switch
    {
        "on" => true,
        "off" => false,
        _ => null,
    };
}
