using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BestOfN.Cli.Progress;
using BestOfN.Sampler.Llama;
using BestOfN.Store;
using BestOfN.Verifier.Scoring;

namespace BestOfN.Cli.Commands;

/// <summary>`score`: reward-model scores for a run's stored samples, resumable, written beside them in the run store.</summary>
internal static class ScoreCommand
{
    private static readonly Option<FileInfo> StorePath = new Option<FileInfo>("--store") { Description = "SQLite run store", DefaultValueFactory = _ => new FileInfo("runs.db") }.AcceptExistingOnly();
    private static readonly Option<string?> RunName = new("--run") { Description = "Run to score (default: the store's only run)" };
    private static readonly Option<FileInfo> RewardModel = new Option<FileInfo>("--reward-model") { Description = "Reward model: a GGUF (llama.cpp protocols) or an ONNX file (--protocol onnx)", Required = true }.AcceptExistingOnly();
    private static readonly Option<string> Protocol = new("--protocol") { Description = "rlhflow-prm, rlhflow-orm, math-shepherd or onnx", DefaultValueFactory = _ => ScorerDefaults.Protocol.Name() };
    private static readonly Option<string> Steps = new("--steps") { Description = "Step separator of the RLHFlow protocols: auto (ки if present, else blank line), ki or blank-line", DefaultValueFactory = _ => ScorerDefaults.Steps.Name() };
    private static readonly Option<int> Batch = new("--batch") { Description = "Answers decoded together (at most 256)", DefaultValueFactory = _ => ScorerDefaults.Batch };
    private static readonly Option<int> BatchTokens = new("--batch-tokens") { Description = "Tokens per llama_decode (n_batch)", DefaultValueFactory = _ => ScorerDefaults.BatchTokens };
    private static readonly Option<int> MicroBatchTokens = new("--ubatch-tokens") { Description = "Physical micro-batch (n_ubatch)", DefaultValueFactory = _ => ScorerDefaults.MicroBatchTokens };
    private static readonly Option<int> ContextSize = new("--ctx-size") { Description = "KV cache cells: the shared prefix plus every answer of a batch", DefaultValueFactory = _ => ScorerDefaults.ContextSize };
    private static readonly Option<int> MaxTokens = new("--max-tokens") { Description = "Longest sequence scored; later steps are cut and the answer marked truncated", DefaultValueFactory = _ => ScorerDefaults.MaxSequenceTokens };
    private static readonly Option<string?> ChatTemplate = new("--chat-template") { Description = "Built-in template name (llama3, chatml, ...) instead of the model's" };
    private static readonly Option<string> Llama31SystemTurn = new("--llama31-system-turn") { Description = "Add Llama 3.1's default system turn: auto (when the template is 3.1's), on or off", DefaultValueFactory = _ => "auto" };
    private static readonly Option<string> FlashAttention = new("--flash-attn") { Description = "llama.cpp flash attention: auto, on or off", DefaultValueFactory = _ => "auto" };
    private static readonly Option<string?> ScorerName = new("--scorer") { Description = "Scorer id (default: derived from the model hash and every setting that changes scores)" };
    private static readonly Option<string?> ProblemIds = new("--problems") { Description = "Only these problem ids, comma-separated" };
    private static readonly Option<FileInfo> Tokenizer = new Option<FileInfo>("--tokenizer") { Description = "ONNX: tokenizer (a GGUF vocabulary, a SentencePiece .model or a WordPiece vocab.txt)" }.AcceptExistingOnly();
    private static readonly Option<string> OnnxInputIds = new("--onnx-input-ids") { Description = "ONNX: name of the token-id input", DefaultValueFactory = _ => ScorerDefaults.InputIdsName };
    private static readonly Option<string> OnnxAttentionMask = new("--onnx-attention-mask") { Description = "ONNX: name of the mask input ('' when there is none)", DefaultValueFactory = _ => ScorerDefaults.AttentionMaskName };
    private static readonly Option<string> OnnxOutput = new("--onnx-output") { Description = "ONNX: name of the output", DefaultValueFactory = _ => ScorerDefaults.OutputName };
    private static readonly Option<string> OnnxReadoutOption = new("--onnx-readout") { Description = "ONNX: sequence (one score per answer) or step-tags (a score at every step tag)", DefaultValueFactory = _ => "sequence" };
    private static readonly Option<int> OnnxPositiveClass = new("--onnx-positive-class") { Description = "ONNX: class whose probability is the score, for a two-class output", DefaultValueFactory = _ => ScorerDefaults.PositiveClass };
    private static readonly Option<bool> OnnxCpu = new("--onnx-cpu") { Description = "ONNX: never use the CUDA execution provider" };
    private static readonly NativeOptions Native = new();

    public static Command Create()
    {
        var command = new Command("score", "Score a run's stored samples with a reward model (ORM/PRM); every step score is kept, and reruns resume")
        {
            StorePath, RunName, RewardModel, Protocol, Steps, Batch, BatchTokens, MicroBatchTokens, ContextSize, MaxTokens, ChatTemplate, Llama31SystemTurn,
            FlashAttention, ScorerName, ProblemIds, Tokenizer, OnnxInputIds, OnnxAttentionMask, OnnxOutput, OnnxReadoutOption, OnnxPositiveClass, OnnxCpu,
        };
        Native.AddTo(command);
        command.SetAction((pr, ct) => Task.FromResult(CommandErrors.Guard(pr, () => Run(pr, ct))));
        return command;
    }

    private static int Run(ParseResult pr, CancellationToken ct)
    {
        var errors = new List<string>();
        if (!ScoringNames.TryParseProtocol(pr.GetValue(Protocol)!, out var protocol)) errors.Add($"--protocol must be rlhflow-prm, rlhflow-orm, math-shepherd or onnx, got '{pr.GetValue(Protocol)}'.");
        if (!ScoringNames.TryParseStepSplit(pr.GetValue(Steps)!, out var steps)) errors.Add($"--steps must be auto, ki or blank-line, got '{pr.GetValue(Steps)}'.");
        var readout = pr.GetValue(OnnxReadoutOption) switch { "sequence" => OnnxReadout.Sequence, "step-tags" => (OnnxReadout?)OnnxReadout.StepTags, _ => null };
        if (readout is null) errors.Add($"--onnx-readout must be sequence or step-tags, got '{pr.GetValue(OnnxReadoutOption)}'.");
        var system = Switch(pr, Llama31SystemTurn, errors);
        var flash = Switch(pr, FlashAttention, errors);
        var options = new ScorerOptions
        {
            Protocol = protocol, Steps = steps, Batch = pr.GetValue(Batch), BatchTokens = pr.GetValue(BatchTokens), MicroBatchTokens = pr.GetValue(MicroBatchTokens),
            ContextSize = pr.GetValue(ContextSize), MaxSequenceTokens = pr.GetValue(MaxTokens), Threads = pr.GetValue(Native.Threads),
            ChatTemplate = pr.GetValue(ChatTemplate), Llama31SystemTurn = system, FlashAttention = flash,
            Onnx = new OnnxScorerOptions
            {
                TokenizerPath = pr.GetValue(Tokenizer)?.FullName, InputIdsName = pr.GetValue(OnnxInputIds)!, AttentionMaskName = pr.GetValue(OnnxAttentionMask)!,
                OutputName = pr.GetValue(OnnxOutput)!, Readout = readout ?? OnnxReadout.Sequence, PositiveClass = pr.GetValue(OnnxPositiveClass), UseCuda = !pr.GetValue(OnnxCpu),
            },
        };
        if (errors.Count == 0) errors.AddRange(options.Validate());
        if (errors.Count > 0) return SampleCommand.Fail(pr, errors);

        using var store = RunStore.Open(pr.GetValue(StorePath)!.FullName);
        var runs = store.Runs();
        var run = pr.GetValue(RunName) is { } name ? store.Run(name) : runs.Count == 1 ? runs[0] : null;
        if (run is null)
            return SampleCommand.Fail(pr, [pr.GetValue(RunName) is { } n
                ? $"No run '{n}' in {store.Path}; runs: {string.Join(", ", runs.Select(r => r.RunId))}"
                : $"{store.Path} holds {runs.Count} runs; name one with --run: {string.Join(", ", runs.Select(r => r.RunId))}"]);

        var only = pr.GetValue(ProblemIds)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
        Native.Load(pr);
        try
        {
            return Execute(store, run, pr.GetValue(RewardModel)!, options, pr.GetValue(Native.GpuLayers), pr.GetValue(ScorerName), only,
                pr.InvocationConfiguration.Output, pr.InvocationConfiguration.Error, ct);
        }
        catch (ScoringProtocolException e)
        {
            return SampleCommand.Fail(pr, [e.Message]);
        }
    }

    /// <summary>Scores a stored run with a reward model (resuming whatever is scored already). llama.cpp must be loaded.</summary>
    internal static int Execute(RunStore store, RunInfo run, FileInfo modelFile, ScorerOptions options, int gpuLayers, string? scorerName,
        IReadOnlySet<string>? only, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var protocol = options.Protocol;
        IRewardScorer scorer;
        LlamaModel? model = null;
        try
        {
            if (protocol == ScoringProtocol.Onnx)
            {
                scorer = new OnnxRewardScorer(modelFile.FullName, options, IScoringTokenizer.Open(options.Onnx.TokenizerPath!, options.Onnx.AddSpecialTokens));
            }
            else
            {
                model = LlamaModel.Load(modelFile.FullName, new LlamaModelOptions { GpuLayers = gpuLayers });
                scorer = new LlamaRewardScorer(model, options);
            }
        }
        catch (ScoringProtocolException)
        {
            model?.Dispose();
            throw;
        }

        using (model)
        using (scorer)
        {
            var sha = store.ModelHash(modelFile.FullName);
            var config = ConfigJson(sha, options, options.Onnx.TokenizerPath is { } tok && protocol == ScoringProtocol.Onnx ? store.ModelHash(tok) : null);
            var scorerId = scorerName ?? "score-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(config)))[..12];
            var manifest = new SortedDictionary<string, object?>(scorer.Manifest.ToDictionary()) { ["model_sha256"] = sha };
            store.EnsureScorer(new ScorerInfo(run.RunId, scorerId, options.StoredName(), modelFile.FullName, sha, config, JsonSerializer.Serialize(manifest), DateTimeOffset.UtcNow));

            output.WriteLine($"scoring run {run.RunId} in {store.Path} with {modelFile.Name} ({options.StoredName()}, batch {options.Batch}) as scorer {scorerId}");
            var summary = ScoringProgressDisplay.Run("scoring", error, progress =>
                ScoringJob.Run(scorer, new RunStoreScoreStore(store, run.RunId, scorerId, only), progress, cancellationToken: ct));
            var seconds = Math.Max(summary.Elapsed.TotalSeconds, 1e-9);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"done: {summary.AnswersScored} answers scored, {summary.AnswersSkipped} already stored, {summary.TokensScored} tokens in {summary.Elapsed.TotalSeconds:F1} s " +
                $"({summary.AnswersScored / seconds:F1} answers/s, {summary.TokensScored / seconds:F0} scored tok/s); shared prefix tokens prefilled: {summary.PrefixTokensPrefilled} (once per problem)"));
            output.WriteLine("statuses: " + string.Join(", ", summary.Statuses.Select(s => $"{s.Key.Name()} {s.Value}")));
        }
        return 0;
    }

    /// <summary>Everything that changes a score; batch sizes and threads are left out, so a rerun with other ones resumes.</summary>
    internal static string ConfigJson(string modelSha256, ScorerOptions o, string? tokenizerSha256) => JsonSerializer.Serialize(new SortedDictionary<string, object?>
    {
        ["model_sha256"] = modelSha256,
        ["protocol"] = o.StoredName(),
        ["steps"] = o.Protocol is ScoringProtocol.RlhflowPrm or ScoringProtocol.RlhflowOrm ? o.Steps.Name() : null,
        ["chat_template"] = o.ChatTemplate,
        ["llama31_system_turn"] = o.Llama31SystemTurn,
        ["good"] = o.GoodToken,
        ["bad"] = o.BadToken,
        ["step_tag"] = o.Protocol == ScoringProtocol.MathShepherd || o.Onnx.Readout == OnnxReadout.StepTags ? o.StepTag : null,
        ["max_tokens"] = o.MaxSequenceTokens,
        ["onnx"] = o.Protocol == ScoringProtocol.Onnx ? new SortedDictionary<string, object?>
        {
            ["tokenizer_sha256"] = tokenizerSha256, ["input_ids"] = o.Onnx.InputIdsName, ["attention_mask"] = o.Onnx.AttentionMaskName,
            ["output"] = o.Onnx.OutputName, ["positive_class"] = o.Onnx.PositiveClass, ["add_special"] = o.Onnx.AddSpecialTokens,
        } : null,
    });

    private static bool? Switch(ParseResult pr, Option<string> option, List<string> errors) => pr.GetValue(option) switch
    {
        "auto" => null,
        "on" => true,
        "off" => false,
        var v => Error(errors, $"{option.Name} must be auto, on or off, got '{v}'."),
    };

    private static bool? Error(List<string> errors, string message)
    {
        errors.Add(message);
        return null;
    }
}
