using System.CommandLine;
using BestOfN.Cli.Progress;
using BestOfN.Problems;
using BestOfN.Sampler.Llama;
using BestOfN.Sampler.Prompting;
using BestOfN.Sampler.Sampling;
using BestOfN.Store;

namespace BestOfN.Cli.Commands;

internal static class SampleCommand
{
    private static readonly Option<FileInfo> Model = new Option<FileInfo>("--model") { Description = "GGUF model to sample from", Required = true }.AcceptExistingOnly();
    private static readonly Option<string> Dataset = new("--dataset") { Description = "Problems: gsm8k:PATH, math:PATH, jsonl:PATH or csv:PATH", Required = true };
    private static readonly Option<string[]> Field = new("--field") { Description = "Map a generic dataset's column to ours: question=prompt, answer=gold, id=uid, solution=... (repeatable)", AllowMultipleArgumentsPerToken = false };
    private static readonly Option<int> N = new("--n") { Description = "Samples per problem", DefaultValueFactory = _ => SamplerDefaults.N };
    private static readonly Option<float> Temperature = new("--temperature") { Description = "Sampling temperature (0 = greedy)", DefaultValueFactory = _ => SamplerDefaults.Temperature };
    private static readonly Option<int> TopK = new("--top-k") { Description = "Top-k (0 = off)", DefaultValueFactory = _ => SamplerDefaults.TopK };
    private static readonly Option<float> TopP = new("--top-p") { Description = "Top-p (1 = off)", DefaultValueFactory = _ => SamplerDefaults.TopP };
    private static readonly Option<float> MinP = new("--min-p") { Description = "Min-p (0 = off)", DefaultValueFactory = _ => SamplerDefaults.MinP };
    private static readonly Option<int> MaxTokens = new("--max-tokens") { Description = "Most new tokens per sample", DefaultValueFactory = _ => SamplerDefaults.MaxTokens };
    private static readonly Option<int> Parallel = new("--parallel") { Description = "Samples decoded together, at most 256", DefaultValueFactory = _ => SamplerDefaults.Parallel };
    private static readonly Option<ulong> Seed = new("--seed") { Description = "Run seed; each sample's seed derives from it, the problem id and the sample index", DefaultValueFactory = _ => SamplerDefaults.Seed };
    private static readonly Option<string[]> Stop = new("--stop") { Description = "Stop string (repeatable); the text is cut before it" };
    private static readonly Option<string> Kv = new Option<string>("--kv") { Description = "KV cache layout: split (one buffer per sequence, faster at 16+ sequences) or unified (the prompt stored once, less memory)", DefaultValueFactory = _ => SamplerDefaults.KvUnified ? "unified" : "split" }.AcceptOnlyFromAmong("split", "unified");
    internal static readonly Option<FileInfo> StorePath = new("--store") { Description = "SQLite run store", DefaultValueFactory = _ => new FileInfo("runs.db") };
    private static readonly Option<FileInfo> Out = new("--out") { Description = "Write samples to this JSONL file instead of the store (reruns resume it too)" };
    private static readonly Option<string?> RunName = new("--run") { Description = "Run id (default: derived from the model hash and every setting that changes samples)" };
    private static readonly Option<int?> Limit = new("--limit") { Description = "Only the first N problems" };
    private static readonly Option<string?> ProblemIds = new("--problems") { Description = "Only these problem ids, comma-separated" };
    private static readonly Option<PromptFormat> Prompt = new("--prompt") { Description = "Prompt format: Raw, Chat, FewShot or Messages", DefaultValueFactory = _ => PromptDefaults.Format };
    private static readonly Option<string?> System = new("--system") { Description = "System prompt for --prompt chat" };
    private static readonly Option<string?> ChatTemplate = new("--chat-template") { Description = "Built-in template name (llama3, chatml, mistral-v7, ...) instead of the model's" };
    private static readonly Option<string?> FewShotFile = new("--fewshot-file") { Description = "Exemplar source for --prompt fewshot, e.g. gsm8k:train.jsonl" };
    private static readonly Option<int> FewShotK = new("--fewshot-k") { Description = "Exemplars per prompt", DefaultValueFactory = _ => PromptDefaults.FewShotCount };
    private static readonly Option<FileInfo> MessagesFile = new Option<FileInfo>("--messages-file") { Description = "JSON list of {role, content} messages with {question} in one of them" }.AcceptExistingOnly();
    private static readonly NativeOptions Native = new();

    public static Command Create()
    {
        var command = new Command("sample", "Draw N solutions per problem from a GGUF model into the run store (reruns resume)")
        {
            Model, Dataset, Field, N, Temperature, TopK, TopP, MinP, MaxTokens, Parallel, Seed, Stop, Kv,
            StorePath, Out, RunName, Limit, ProblemIds, Prompt, System, ChatTemplate, FewShotFile, FewShotK, MessagesFile,
        };
        Native.AddTo(command);
        command.SetAction((pr, ct) => Task.FromResult(CommandErrors.Guard(pr, () => Run(pr, ct))));
        return command;
    }

    private static int Run(ParseResult pr, CancellationToken ct)
    {
        var sampler = new SamplerOptions
        {
            N = pr.GetValue(N), Temperature = pr.GetValue(Temperature), TopK = pr.GetValue(TopK), TopP = pr.GetValue(TopP), MinP = pr.GetValue(MinP),
            MaxTokens = pr.GetValue(MaxTokens), Parallel = pr.GetValue(Parallel), Seed = pr.GetValue(Seed), StopStrings = pr.GetValue(Stop) ?? [],
            KvUnified = pr.GetValue(Kv) == "unified", Threads = pr.GetValue(Native.Threads),
        };
        var prompt = new PromptOptions
        {
            Format = pr.GetValue(Prompt), SystemPrompt = pr.GetValue(System), ChatTemplate = pr.GetValue(ChatTemplate),
            FewShotSource = pr.GetValue(FewShotFile) is { } f ? DatasetSpec.Parse(f) : null, FewShotCount = pr.GetValue(FewShotK),
            MessagesFile = pr.GetValue(MessagesFile)?.FullName,
        };
        var errors = sampler.Validate().Concat(prompt.Validate()).ToList();
        if (errors.Count > 0) return Fail(pr, errors);

        var request = new SampleRequest(
            DatasetSpec.Parse(pr.GetValue(Dataset)!, DatasetSpec.ParseFieldMap(pr.GetValue(Field) ?? [])),
            pr.GetValue(ProblemIds)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), pr.GetValue(Limit),
            pr.GetValue(Model)!, sampler, prompt, pr.GetValue(StorePath)!, pr.GetValue(Out), pr.GetValue(RunName), pr.GetValue(Native.GpuLayers));
        Native.Load(pr);
        Execute(request, pr.InvocationConfiguration.Output, pr.InvocationConfiguration.Error, ct);
        return 0;
    }

    /// <summary>Everything one sampling run needs, as parsed from the command line.</summary>
    internal sealed record SampleRequest(DatasetSpec Dataset, IReadOnlyCollection<string>? ProblemIds, int? Limit, FileInfo Model,
        SamplerOptions Sampler, PromptOptions Prompt, FileInfo Store, FileInfo? JsonlOut, string? RunName, int GpuLayers);

    /// <summary>Samples into the store (or a JSONL file) and returns the run id. llama.cpp must be loaded.</summary>
    internal static string Execute(SampleRequest request, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var problems = DatasetLoader.Select(DatasetLoader.Load(request.Dataset), request.ProblemIds, request.Limit);
        var modelFile = request.Model;
        var sampler = request.Sampler;
        using var model = LlamaModel.Load(modelFile.FullName, new LlamaModelOptions { GpuLayers = request.GpuLayers });
        var renderer = new PromptRenderer(model, request.Prompt);
        using var store = request.JsonlOut is null ? RunStore.Open(request.Store.FullName) : null;
        var modelHash = store?.ModelHash(modelFile.FullName) ?? RunIdentity.FileSha256(modelFile.FullName);
        var config = RunIdentity.SamplingConfigJson(modelHash, request.Dataset.Name, request.Prompt, sampler);
        var runId = request.RunName ?? RunIdentity.RunIdFor(config);
        store?.EnsureRun(new RunInfo(runId, "sample", request.Dataset.Name, modelFile.FullName, modelHash, config, DateTimeOffset.UtcNow));
        using var jsonlSink = request.JsonlOut is null ? null : new JsonlSampleSink(request.JsonlOut.FullName, runId);
        ISampleSink sink = jsonlSink ?? (ISampleSink)new RunStoreSink(store!, runId, problems);
        output.WriteLine($"run {runId} in {store?.Path ?? jsonlSink!.Path}: {problems.Count} problems × {sampler.N} samples, model {modelFile.Name} ({model.Description})");
        var summary = SamplingProgressDisplay.Run("sampling", error, progress =>
            SamplingJob.Run(model, problems, renderer, sampler, sink, progress, ct));
        output.WriteLine(string.Create(global::System.Globalization.CultureInfo.InvariantCulture,
            $"done: {summary.SamplesDrawn} samples drawn, {summary.SamplesSkipped} already stored, {summary.TokensGenerated} tokens in {summary.Elapsed.TotalSeconds:F1} s " +
            $"({summary.TokensGenerated / Math.Max(summary.Elapsed.TotalSeconds, 1e-9):F0} tok/s); prompt tokens prefilled: {summary.PromptTokensPrefilled} (once per problem)"));
        return runId;
    }

    internal static int Fail(ParseResult pr, IEnumerable<string> errors)
    {
        foreach (var e in errors) pr.InvocationConfiguration.Error.WriteLine($"error: {e}");
        return 2;
    }
}
