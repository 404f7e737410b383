using System.CommandLine;
using BestOfN.Sampler.Sampling;

namespace BestOfN.Cli.Options;

/// <summary>
/// The sampling options, declared once: <c>run</c> and <c>sample</c> take all of them, <c>bench</c> the sampler-chain ones
/// (temperature, top-k, top-p, min-p). Each command gives its own defaults as a <see cref="SamplerOptions"/>.
/// </summary>
internal sealed class SamplingOptionGroup(SamplerOptions defaults) : IOptionGroup
{
    public Option<float> Temperature { get; } = new("--temperature") { Description = "Sampling temperature (0 = greedy)", DefaultValueFactory = _ => defaults.Temperature };
    public Option<int> TopK { get; } = new("--top-k") { Description = "Top-k (0 = off)", DefaultValueFactory = _ => defaults.TopK };
    public Option<float> TopP { get; } = new("--top-p") { Description = "Top-p (1 = off)", DefaultValueFactory = _ => defaults.TopP };
    public Option<float> MinP { get; } = new("--min-p") { Description = "Min-p (0 = off)", DefaultValueFactory = _ => defaults.MinP };
    public Option<int> N { get; } = new("--n") { Description = "Samples per problem", DefaultValueFactory = _ => defaults.N };
    public Option<int> MaxTokens { get; } = new("--max-tokens") { Description = "Most new tokens per sample", DefaultValueFactory = _ => defaults.MaxTokens };
    public Option<int> Parallel { get; } = new("--parallel") { Description = "Samples decoded together, at most 256", DefaultValueFactory = _ => defaults.Parallel };
    public Option<ulong> Seed { get; } = new("--seed") { Description = "Run seed; each sample's seed derives from it, the problem id and the sample index", DefaultValueFactory = _ => defaults.Seed };
    public Option<string[]> Stop { get; } = new("--stop") { Description = "Stop string (repeatable); the text is cut before it" };
    public Option<string> Kv { get; } = new Option<string>("--kv")
    {
        Description = "KV cache layout: split (one buffer per sequence, faster at 16+ sequences) or unified (the prompt stored once, less memory)",
        DefaultValueFactory = _ => defaults.KvUnified ? "unified" : "split",
    }.OneOf("split", "unified");
    public Option<string> Batching { get; } = new Option<string>("--batching")
    {
        Description = "waves: a problem's samples decoded in fixed groups of --parallel, bitwise reproducible across shards and resumes; " +
            "continuous: --parallel slots kept full across samples and problems, faster when lengths vary, but a sample depends on its batch neighbours",
        DefaultValueFactory = _ => defaults.Batching.ToString().ToLowerInvariant(),
    }.OneOf("waves", "continuous");

    /// <summary>Adds the sampler-chain options only.</summary>
    public void AddChainTo(Command command)
    {
        foreach (var option in new Option[] { Temperature, TopK, TopP, MinP }) command.Options.Add(option);
    }

    public void AddTo(Command command)
    {
        AddChainTo(command);
        foreach (var option in new Option[] { N, MaxTokens, Parallel, Seed, Stop, Kv, Batching }) command.Options.Add(option);
    }

    /// <summary>The options as parsed; <paramref name="threads"/> comes from the native group.</summary>
    public SamplerOptions Read(ParseResult pr, int threads) => defaults with
    {
        N = pr.GetValue(N),
        Temperature = pr.GetValue(Temperature),
        TopK = pr.GetValue(TopK),
        TopP = pr.GetValue(TopP),
        MinP = pr.GetValue(MinP),
        MaxTokens = pr.GetValue(MaxTokens),
        Parallel = pr.GetValue(Parallel),
        Seed = pr.GetValue(Seed),
        StopStrings = pr.GetValue(Stop) ?? [],
        KvUnified = pr.GetValue(Kv) == "unified",
        Batching = pr.GetValue(Batching) == "continuous" ? Sampler.Sampling.Batching.Continuous : Sampler.Sampling.Batching.Waves,
        Threads = threads,
    };
}
