using System.CommandLine;
using System.Text.Json.Nodes;
using BestOfN.Cli.Options;
using BestOfN.Cli.Printing;
using BestOfN.Llama;
using BestOfN.Llama.Peer;
using BestOfN.Pipeline;
using BestOfN.Sampler.Bench;
using BestOfN.Sampler.Sampling;

namespace BestOfN.Cli.Commands;

/// <summary>`bench workload`: best-of-N with realistic lengths, end to end: the wave sampler, continuous batching and llama-server -np P.</summary>
internal static class BenchWorkloadCommand
{
    private static readonly Option<FileInfo> Model = new Option<FileInfo>("--model") { Description = "GGUF model (default: the generated ~35M-parameter bench model)" }.AcceptExistingOnly();
    private static readonly Option<int> Problems = new("--problems") { Description = "Problems, each with its own prompt", DefaultValueFactory = _ => 8 };
    private static readonly Option<int> N = new("--n") { Description = "Samples per problem", DefaultValueFactory = _ => 16 };
    private static readonly Option<int> Parallel = new("--parallel") { Description = "Sequences decoded together (slots; the peer's -np)", DefaultValueFactory = _ => 16 };
    private static readonly Option<int> PromptTokens = new("--prompt-tokens") { Description = "Prompt length of every problem", DefaultValueFactory = _ => 128 };
    private static readonly Option<int> MaxTokens = new("--max-tokens") { Description = "Drawn lengths are clipped to this", DefaultValueFactory = _ => 1024 };
    private static readonly Option<string> Lengths = new("--lengths") { Description = "Generated lengths: a log-normal fitted to gsm8k or math500 reference solutions, or a file of lengths (one per line)", DefaultValueFactory = _ => "math500" };
    private static readonly Option<int> Seed = new("--lengths-seed") { Description = "Seed of the length draw", DefaultValueFactory = _ => 1 };
    private static readonly Option<string> Kv = new Option<string>("--kv") { Description = "KV layout for both sides: split or unified", DefaultValueFactory = _ => "split" }.OneOf("split", "unified");
    private static readonly Option<FileInfo> Peer = new Option<FileInfo>("--peer") { Description = "Path to llama-server (scripts/build-llama.sh --tools builds it), driven with the same prompts and per-request n_predict" }.AcceptExistingOnly();
    private static readonly SamplingOptionGroup Sampling = new(new SamplerOptions { Temperature = SamplerBenchOptions.Defaults.Temperature, TopK = SamplerBenchOptions.Defaults.TopK, TopP = SamplerBenchOptions.Defaults.TopP });
    private static readonly NativeOptions Native = new();
    private static readonly Option<FileInfo?> Json = BenchFigures.JsonOption();

    public static Command Create()
    {
        var command = new Command("workload", "Best-of-N throughput with realistic generated lengths: the wave sampler, continuous batching and llama-server, end to end")
        {
            Model, Problems, N, Parallel, PromptTokens, MaxTokens, Lengths, Seed, Kv, Peer, Json,
        };
        Sampling.AddChainTo(command);
        Native.AddTo(command);
        command.SetAction((pr, ct) => CommandErrors.Run(pr, () => Run(pr)));
        return command;
    }

    private static int Run(ParseResult pr)
    {
        var output = pr.InvocationConfiguration.Output;
        var options = new WorkloadBenchOptions
        {
            Problems = pr.GetValue(Problems),
            N = pr.GetValue(N),
            Parallel = pr.GetValue(Parallel),
            PromptTokens = pr.GetValue(PromptTokens),
            MaxTokens = pr.GetValue(MaxTokens),
            Threads = pr.GetValue(Native.Threads),
            KvUnified = pr.GetValue(Kv) == "unified",
            Chain = Sampling.Read(pr, 0).Sampling,
        };
        var errors = new List<string>();
        if (options.Problems < 1 || options.N < 1 || options.PromptTokens < 2 || options.MaxTokens < 1) errors.Add("--problems, --n and --max-tokens must be >= 1, --prompt-tokens >= 2.");
        if (options.Parallel is < 1 or > 255) errors.Add($"--parallel must be between 1 and 255 (one llama.cpp sequence is kept for prompts), got {options.Parallel}.");
        var named = LengthDistribution.Known.FirstOrDefault(d => d.Name == pr.GetValue(Lengths));
        if (named is null && !File.Exists(pr.GetValue(Lengths))) errors.Add($"--lengths must be {string.Join(", ", LengthDistribution.Known.Select(d => d.Name))} or an existing file, got '{pr.GetValue(Lengths)}'.");
        if (errors.Count > 0) return CommandErrors.Invalid(pr, errors);

        var count = options.Problems * options.N;
        var lengths = named?.Draw(count, options.MaxTokens, pr.GetValue(Seed)) ?? LengthDistribution.ReadFile(pr.GetValue(Lengths)!, count, options.MaxTokens);
        Native.Load(pr);
        var modelPath = pr.GetValue(Model)?.FullName ?? DemoAssets.BenchModel();
        using var model = LlamaModel.Load(modelPath, new LlamaModelOptions { GpuLayers = pr.GetValue(Native.GpuLayers) });
        var workload = WorkloadBenchmark.Build(model, options, lengths);
        var threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        var sorted = lengths.Order().ToArray();
        output.WriteLine($"model {modelPath}: {model.Description}, {model.ParameterCount / 1e6:F1}M parameters, vocab {model.VocabSize}; llama.cpp loaded from {Llama.Native.LlamaRuntime.LoadedFrom}");
        output.WriteLine(named is null ? $"lengths from {pr.GetValue(Lengths)}, in order" : $"lengths: log-normal mu {named.Mu:F3}, sigma {named.Sigma:F3}, {named.Source}; {LengthDistribution.Counting}");
        output.WriteLine($"{options.Problems} problems × {options.N} samples, prompt {options.PromptTokens} tokens, lengths mean {lengths.Average():F0}, median {sorted[count / 2]}, p90 {sorted[count * 9 / 10]}, max {sorted[^1]} ({workload.TotalTokens} tokens), --parallel {options.Parallel}, {threads} threads, kv {pr.GetValue(Kv)}");
        var rows = new List<WorkloadBenchRow> { WorkloadBenchmark.Run(model, workload, options, Batching.Waves), WorkloadBenchmark.Run(model, workload, options, Batching.Continuous) };
        if (pr.GetValue(Peer) is { } peer) rows.Add(RunPeer(peer.FullName, modelPath, workload, options, sorted[^1]));
        else output.WriteLine("peer: skipped (no --peer; scripts/build-llama.sh --tools builds llama-server)");

        output.WriteLine();
        output.WriteLine("| batching     | samples | generated | prompt tokens | seconds | gen tok/s | problems/s | vs waves | vs peer |");
        output.WriteLine("|--------------|--------:|----------:|--------------:|--------:|----------:|-----------:|---------:|--------:|");
        var peerRow = rows.Count > 2 ? rows[2] : null;
        foreach (var row in rows) output.WriteLine(BenchFigures.WorkloadRow(row, rows[0], peerRow));
        output.WriteLine();
        output.WriteLine("Every sample is forced to end at its drawn length (end-of-generation ignored); ours sample every token, the peer samples with the same chain.");
        BenchFigures.WriteJson(pr, Json, "workload", new { Model = modelPath, model.Description, options, Lengths = named as object ?? pr.GetValue(Lengths), LengthsSeed = pr.GetValue(Seed), TotalTokens = workload.TotalTokens, Threads = threads, Peer = pr.GetValue(Peer)?.FullName },
            rows.Select(r => new { Row = r, r.GeneratedTokensPerSecond, r.ProblemsPerSecond, VsWaves = r.GeneratedTokensPerSecond / rows[0].GeneratedTokensPerSecond, VsPeer = r.GeneratedTokensPerSecond / peerRow?.GeneratedTokensPerSecond }));
        return 0;
    }

    private static WorkloadBenchRow RunPeer(string executable, string modelPath, Workload workload, WorkloadBenchOptions o, int longest)
    {
        var perSlot = (o.PromptTokens + longest + 255) / 256 * 256;
        using var server = LlamaServer.Start(executable, new LlamaServerSettings(modelPath, o.Parallel * perSlot, o.Parallel, o.Threads, o.KvUnified));
        var completions = workload.Prompts.SelectMany((p, i) => Enumerable.Range(0, workload.N)
            .Select(k => new PeerCompletion([.. p.Tokens.Select(t => t.Id)], workload.LengthOf(i, k), SampleSeed.Derive(1, p.ProblemId, k)))).ToList();
        var sampling = new JsonObject { ["temperature"] = o.Chain.Temperature, ["top_k"] = o.Chain.TopK, ["top_p"] = o.Chain.TopP, ["min_p"] = o.Chain.MinP };
        var result = server.Run(completions, o.Parallel, sampling);
        return new WorkloadBenchRow("llama-server", workload.Prompts.Count, result.Requests, result.TokensGenerated, result.PromptTokensEvaluated, result.Seconds);
    }
}
