using System.CommandLine;
using System.Globalization;
using BestOfN.Cli.Options;
using BestOfN.Cli.Printing;
using BestOfN.Llama;
using BestOfN.Llama.Native;
using BestOfN.Llama.Peer;
using BestOfN.Pipeline;
using BestOfN.Sampler.Bench;
using BestOfN.Sampler.Sampling;

namespace BestOfN.Cli.Commands;

/// <summary>`bench`: the sampler's speed next to llama.cpp's llama-batched-bench; subcommands time the other stages.</summary>
internal static class BenchCommand
{
    private static readonly Option<FileInfo> Model = new Option<FileInfo>("--model") { Description = "GGUF model (default: a generated ~35M-parameter llama model, F16)" }.AcceptExistingOnly();
    private static readonly Option<string> Parallel = new("--parallel") { Description = "Parallel sequences to measure, comma-separated", DefaultValueFactory = _ => "1,16,64,256" };
    private static readonly Option<int> PromptTokens = new("--prompt-tokens") { Description = "Shared prompt length (llama-batched-bench -npp)", DefaultValueFactory = _ => 128 };
    private static readonly Option<int> GenTokens = new("--gen-tokens") { Description = "Tokens generated per sequence (llama-batched-bench -ntg)", DefaultValueFactory = _ => 64 };
    private static readonly Option<string> Kv = new("--kv") { Description = "KV layout: unified, split or both", DefaultValueFactory = _ => "split" };
    private static readonly Option<int> Repeat = new("--repeat") { Description = "Timed repetitions per setting, ours and the peer's; the fastest is shown", DefaultValueFactory = _ => 3 };
    private static readonly Option<FileInfo> Peer = new Option<FileInfo>("--peer") { Description = "Path to llama-batched-bench (scripts/build-llama.sh --tools builds it) to run on the same model and settings" }.AcceptExistingOnly();
    private static readonly SamplingOptionGroup Sampling = new(new SamplerOptions
    {
        Temperature = SamplerBenchOptions.Defaults.Temperature,
        TopK = SamplerBenchOptions.Defaults.TopK,
        TopP = SamplerBenchOptions.Defaults.TopP,
        MinP = SamplerBenchOptions.Defaults.MinP,
    });
    private static readonly NativeOptions Native = new();
    private static readonly Option<FileInfo?> Json = BenchFigures.JsonOption();

    public static Command Create()
    {
        var command = new Command("bench", "Sampler speed (generated and prompt tokens/s) per parallelism, beside llama-batched-bench; subcommands benchmark other stages")
        {
            Model, Parallel, PromptTokens, GenTokens, Kv, Repeat, Peer, Json,
            BenchVotingCommand.Create(),
            BenchGradingCommand.Create(),
            BenchScoringCommand.Create(), BenchWorkloadCommand.Create(),
        };
        Sampling.AddChainTo(command);
        Native.AddTo(command);
        command.SetAction((pr, ct) => CommandErrors.Run(pr, () => Run(pr)));
        return command;
    }

    private static int Run(ParseResult pr)
    {
        var output = pr.InvocationConfiguration.Output;
        var kvLayouts = pr.GetValue(Kv) switch
        {
            "unified" => new[] { true },
            "split" => [false],
            "both" => [true, false],
            var other => null,
        };
        if (kvLayouts is null) return CommandErrors.Invalid(pr, [$"--kv must be unified, split or both, got {pr.GetValue(Kv)}."]);
        var chain = Sampling.Read(pr, 0).Sampling;
        var options = new SamplerBenchOptions
        {
            PromptTokens = pr.GetValue(PromptTokens),
            GeneratedTokens = pr.GetValue(GenTokens),
            Threads = pr.GetValue(Native.Threads),
            Parallel = pr.GetValue(Parallel)!.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList(),
            KvUnified = kvLayouts,
            Repeat = pr.GetValue(Repeat),
            Chain = chain,
        };
        Native.Load(pr);
        var modelPath = pr.GetValue(Model)?.FullName ?? DemoAssets.BenchModel();
        using var model = LlamaModel.Load(modelPath, new LlamaModelOptions { GpuLayers = pr.GetValue(Native.GpuLayers) });
        var threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        output.WriteLine($"model {modelPath}: {model.Description}, {model.ParameterCount / 1e6:F1}M parameters, vocab {model.VocabSize}");
        output.WriteLine($"prompt {options.PromptTokens} tokens shared, {options.GeneratedTokens} new tokens per sequence, {threads} threads, best of {options.Repeat}; ours samples every token (top-k {chain.TopK}, top-p {chain.TopP}, min-p {chain.MinP}, T {chain.Temperature}), the peer only decodes");
        output.WriteLine($"llama.cpp natives: {LlamaRuntime.Natives?.Describe()}");
        output.WriteLine();
        output.WriteLine("|  kv     | parallel | prefilled | ours PP t/s | ours TG t/s | peer PP t/s | peer TG t/s | TG ratio | PP ratio | not decode |");
        output.WriteLine("|---------|---------:|----------:|------------:|------------:|------------:|------------:|---------:|---------:|-----------:|");
        var results = new List<object>();
        foreach (var kv in kvLayouts)
        {
            var ours = SamplerBenchmark.Run(model, options with { KvUnified = [kv] }).ToList();
            IReadOnlyList<PeerBenchRow> peer = [];
            if (pr.GetValue(Peer) is { } peerPath)
            {
                var ctx = options.Parallel.Max(p => kv ? options.PromptTokens + p * options.GeneratedTokens : p * (options.PromptTokens + options.GeneratedTokens));
                peer = LlamaBatchedBench.Run(peerPath.FullName, new PeerBenchSettings(modelPath, (ctx + 255) / 256 * 256, options.PromptTokens, options.GeneratedTokens,
                    options.Parallel, options.Threads, kv, SharedPrompt: true, Repeat: options.Repeat));
            }
            foreach (var row in ours)
            {
                var p = peer.FirstOrDefault(x => x.Parallel == row.Parallel);
                output.WriteLine(BenchFigures.SamplerRow(kv, row, p));
                results.Add(new { KvUnified = kv, Ours = row, Peer = p, GeneratedRatio = row.GeneratedTokensPerSecond / p?.GeneratedTokensPerSecond, PromptRatio = row.PromptTokensPerSecond / p?.PromptTokensPerSecond });
            }
        }
        output.WriteLine();
        output.WriteLine("prefilled = prompt tokens decoded for the whole problem: the prompt is evaluated once, not once per sequence; copying it into the other sequences is timed in neither figure, on both sides; not decode = share of our generation time outside llama_decode (drawing tokens, bookkeeping).");
        BenchFigures.WriteJson(pr, Json, "sampler", new { Model = modelPath, model.Description, options.PromptTokens, options.GeneratedTokens, Threads = threads, options.Repeat, Chain = chain, Peer = pr.GetValue(Peer)?.FullName }, results);
        return 0;
    }
}
