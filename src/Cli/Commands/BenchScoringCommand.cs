using System.CommandLine;
using System.Globalization;
using BestOfN.Cli.Options;
using BestOfN.Cli.Printing;
using BestOfN.Llama;
using BestOfN.Llama.Peer;
using BestOfN.Pipeline;
using BestOfN.Verifier.Scoring;

namespace BestOfN.Cli.Commands;

/// <summary>`bench scoring`: scored tokens/s of the reward-model scorer per batch size, beside llama-batched-bench's prompt-processing speed.</summary>
internal static class BenchScoringCommand
{
    private static readonly Option<FileInfo> Model = new Option<FileInfo>("--model") { Description = "GGUF model (default: the generated ~35M-parameter bench model)" }.AcceptExistingOnly();
    private static readonly Option<string> Batches = new("--batch") { Description = "Batch sizes (answers decoded together), comma-separated", DefaultValueFactory = _ => "1,16,64" };
    private static readonly Option<int> Answers = new("--answers") { Description = "Answers scored per measurement", DefaultValueFactory = _ => 64 };
    private static readonly Option<int> AnswerTokens = new("--answer-tokens") { Description = "Tokens per answer (after the shared problem text)", DefaultValueFactory = _ => 256 };
    private static readonly Option<int> PromptTokens = new("--prompt-tokens") { Description = "Tokens of the shared problem text", DefaultValueFactory = _ => 64 };
    private static readonly Option<int?> PerProblem = new("--answers-per-problem") { Description = "Spread the answers over problems of this many answers each, each with its own text (default: one problem)" };
    private static readonly Option<string> Kv = new("--kv") { Description = "KV layout of the scorer: auto (split when it fits the default --ctx-size, as score does), unified (one cache, the prefix shared), split (a stream per answer), both (unified and split) or all", DefaultValueFactory = _ => "auto" };
    private static readonly Option<string> Batching = new Option<string>("--batching") { Description = "across (fill each batch across problems, as score does), per-problem (a batch never spans problems) or both", DefaultValueFactory = _ => "across" }.OneOf("across", "per-problem", "both");
    private static readonly Option<string> FlashAttention = ScorerOptionGroup.Switch("--flash-attn", "Flash attention for both: auto, on or off");
    private static readonly Option<FileInfo> Peer = new Option<FileInfo>("--peer") { Description = "Path to llama-batched-bench (scripts/build-llama.sh --tools) to measure S_PP on the same model" }.AcceptExistingOnly();
    private static readonly NativeOptions Native = new();
    private static readonly Option<FileInfo?> Json = BenchFigures.JsonOption();

    public static Command Create()
    {
        var command = new Command("scoring", "Reward-model scoring speed (scored tokens/s) at several batch sizes, beside llama-batched-bench's prompt processing (S_PP)")
        {
            Model, Batches, Answers, PerProblem, AnswerTokens, PromptTokens, Kv, Batching, FlashAttention, Peer, Json,
        };
        Native.AddTo(command);
        command.SetAction((pr, ct) => CommandErrors.Run(pr, () => Run(pr)));
        return command;
    }

    private static int Run(ParseResult pr)
    {
        var output = pr.InvocationConfiguration.Output;
        var errors = new List<string>();
        var batches = new List<int>();
        foreach (var part in pr.GetValue(Batches)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (int.TryParse(part, CultureInfo.InvariantCulture, out var b) && b is >= 1 and <= ScorerDefaults.MaxBatch) batches.Add(b);
            else errors.Add($"--batch entries must be integers from 1 to {ScorerDefaults.MaxBatch}, got '{part}'.");
        }

        var flash = ScorerOptionGroup.ReadSwitch(pr, FlashAttention);
        if (pr.GetValue(Answers) < 1) errors.Add("--answers must be >= 1.");
        if (pr.GetValue(AnswerTokens) < 8) errors.Add("--answer-tokens must be >= 8.");
        if (pr.GetValue(PromptTokens) < 1) errors.Add("--prompt-tokens must be >= 1.");
        if (pr.GetValue(PerProblem) < 1) errors.Add("--answers-per-problem must be >= 1.");
        KvLayout[]? layouts = pr.GetValue(Kv) switch { "both" => [KvLayout.Unified, KvLayout.Split], "all" => Enum.GetValues<KvLayout>(), var k => ScoringNames.TryParseKvLayout(k!, out var l) ? [l] : null };
        if (layouts is null) errors.Add($"--kv must be auto, unified, split, both or all, got {pr.GetValue(Kv)}.");
        bool[] across = pr.GetValue(Batching) switch { "per-problem" => [false], "both" => [true, false], _ => [true] };
        if (errors.Count > 0) return CommandErrors.Invalid(pr, errors);

        var options = new ScoringBenchOptions
        {
            Answers = pr.GetValue(Answers),
            AnswersPerProblem = pr.GetValue(PerProblem),
            AnswerTokens = pr.GetValue(AnswerTokens),
            PromptTokens = pr.GetValue(PromptTokens),
            Batches = batches,
            Threads = pr.GetValue(Native.Threads),
            FlashAttention = flash,
        };
        Native.Load(pr);
        var modelPath = pr.GetValue(Model)?.FullName ?? DemoAssets.BenchModel();
        using var model = LlamaModel.Load(modelPath, new LlamaModelOptions { GpuLayers = pr.GetValue(Native.GpuLayers) });
        var threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        var own = ScoringBenchmark.AnswerOwnTokens(model, ScoringBenchmark.SyntheticProblems(model, options), options);
        output.WriteLine($"model {modelPath}: {model.Description}, {model.ParameterCount / 1e6:F1}M parameters, vocab {model.VocabSize}");
        output.WriteLine($"{options.Answers} answers over {options.Problems} problem(s), ~{own} own tokens after a shared problem text of ~{options.PromptTokens} tokens, a step tag every {options.StepEvery} tokens, {threads} threads, flash attention {pr.GetValue(FlashAttention)}");
        IReadOnlyList<PeerBenchRow> peer = [];
        if (pr.GetValue(Peer) is { } peerPath) peer = PeerPromptBench.Run(peerPath.FullName, modelPath, own, batches, options);

        output.WriteLine();
        output.WriteLine("| kv      | kv used | batching    | batch | answers | tokens scored | prefix prefilled | reads | seconds | answers/s | scored tok/s | peer S_PP t/s | ratio |");
        output.WriteLine("|---------|---------|-------------|------:|--------:|--------------:|-----------------:|------:|--------:|----------:|-------------:|--------------:|------:|");
        var results = new List<object>();
        foreach (var row in across.SelectMany(a => layouts!.SelectMany(kv => ScoringBenchmark.Run(model, options with { Kv = kv, AcrossProblems = a }))))
        {
            var p = peer.FirstOrDefault(x => x.Parallel == row.Batch);
            output.WriteLine(BenchFigures.ScoringRow(row, p));
            results.Add(new { Ours = row, Peer = p, Ratio = row.TokensPerSecond / p?.PromptTokensPerSecond });
        }
        output.WriteLine();
        output.WriteLine("scored tok/s counts each problem's shared prefix once plus every answer's own tokens; the peer's S_PP is llama-batched-bench -npp <own tokens> -ntg 1 -npl <batch>: batch separate prompts, no sampling, no score reads.");
        BenchFigures.WriteJson(pr, Json, "scoring", new { Model = modelPath, model.Description, options.Answers, options.AnswersPerProblem, options.Problems, AnswerOwnTokens = own, Kv = pr.GetValue(Kv), Batching = pr.GetValue(Batching), options.PromptTokens, options.StepEvery, Threads = threads, FlashAttention = flash, Peer = pr.GetValue(Peer)?.FullName }, results);
        return 0;
    }
}
