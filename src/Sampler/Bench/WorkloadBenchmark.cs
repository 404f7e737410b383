using System.Diagnostics;
using System.Globalization;
using BestOfN.Llama;
using BestOfN.Sampler.Sampling;

namespace BestOfN.Sampler.Bench;

/// <summary>
/// A log-normal distribution of generated lengths, ln L ~ N(mu, sigma²), fitted by the mean and standard deviation of ln L
/// (the maximum-likelihood estimates for a log-normal).
/// </summary>
public sealed record LengthDistribution(string Name, double Mu, double Sigma, string Source)
{
    /// <summary>GSM8K: the 7,473 train reference solutions (calculator annotations «…» removed).</summary>
    public static readonly LengthDistribution Gsm8k = new("gsm8k", 4.1356, 0.4492, "fitted to the 7,473 GSM8K train reference solutions (median 62, p90 112 tokens)");

    /// <summary>MATH: the 500 MATH-500 reference solutions.</summary>
    public static readonly LengthDistribution Math500 = new("math500", 5.1068, 0.7820, "fitted to the 500 MATH-500 reference solutions (median 162, p90 493 tokens)");

    /// <summary>How the fits counted tokens: Llama-3-like pre-tokenisation pieces (a run of letters, up to 3 digits, or one other
    /// character), which a 128k BPE vocabulary keeps as about one token each. Models' own chains of thought run longer than the
    /// reference solutions; what the benchmark needs is the spread, which is what makes a wave wait for its longest sample.</summary>
    public const string Counting = "tokens counted as letter runs, 1-3 digit groups and single symbols";

    public static IReadOnlyList<LengthDistribution> Known { get; } = [Gsm8k, Math500];

    /// <summary><paramref name="count"/> lengths from a seeded generator (Box–Muller), each clipped to [1, <paramref name="max"/>].</summary>
    public int[] Draw(int count, int max, int seed)
    {
        var rng = new Random(seed);
        var lengths = new int[count];
        for (var i = 0; i < count; i++)
        {
            var z = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            lengths[i] = (int)Math.Clamp(Math.Round(Math.Exp(Mu + Sigma * z)), 1, max);
        }
        return lengths;
    }

    /// <summary>Reads one positive length per line (blank lines and # comments skipped), used in order and repeated as needed.</summary>
    /// <exception cref="InvalidDataException">A line is not a positive integer, or the file has none.</exception>
    public static int[] ReadFile(string path, int count, int max)
    {
        var read = new List<int>();
        var number = 0;
        foreach (var raw in File.ReadLines(path))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (!int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var length) || length < 1)
                throw new InvalidDataException($"{path}:{number}: length must be a positive integer, got '{line}'.");
            read.Add(Math.Min(length, max));
        }
        if (read.Count == 0) throw new InvalidDataException($"{path}: no lengths (one positive integer per line).");
        return [.. Enumerable.Range(0, count).Select(i => read[i % read.Count])];
    }
}

public sealed record WorkloadBenchOptions
{
    public int Problems { get; init; } = 8;
    public int N { get; init; } = 16;
    public int Parallel { get; init; } = 16;
    public int PromptTokens { get; init; } = 128;
    public int MaxTokens { get; init; } = 1024;
    public int Threads { get; init; }
    public bool KvUnified { get; init; } = SamplerDefaults.KvUnified;
    public SamplingParameters Chain { get; init; } = SamplerBenchOptions.Defaults;
}

/// <summary>A workload: a distinct prompt per problem and every sample's forced length, problem-major.</summary>
public sealed record Workload(IReadOnlyList<PreparedPrompt> Prompts, int N, int[] Lengths)
{
    public int LengthOf(int problem, int index) => Lengths[problem * N + index];

    public long TotalTokens => Lengths.Sum(l => (long)l);
}

/// <param name="Batching">waves, continuous, or the peer's name.</param>
public sealed record WorkloadBenchRow(string Batching, int Problems, int Samples, long TokensGenerated, long PromptTokensPrefilled, double Seconds)
{
    public double GeneratedTokensPerSecond => TokensGenerated / Seconds;
    public double ProblemsPerSecond => Problems / Seconds;
}

/// <summary>
/// Best-of-N as it runs: N samples per problem whose lengths vary as real chains of thought do. Each sample is forced to end at
/// its drawn length (end-of-generation ignored): the weights do not change the speed, the lengths do. Times the whole workload,
/// end to end, with the wave sampler and with continuous batching.
/// </summary>
public static class WorkloadBenchmark
{
    public static Workload Build(LlamaModel model, WorkloadBenchOptions options, int[] lengths)
    {
        var rng = new Random(7);
        var firstNormal = Math.Min(model.VocabSize - 1, 300); // ordinary word pieces, past control and byte-fallback tokens
        var prompts = new List<PreparedPrompt>();
        for (var p = 0; p < options.Problems; p++)
        {
            var tokens = new LlamaToken[options.PromptTokens];
            tokens[0] = model.Bos;
            for (var i = 1; i < tokens.Length; i++) tokens[i] = new LlamaToken(rng.Next(firstNormal, model.VocabSize));
            prompts.Add(new PreparedPrompt($"w{p}", "", tokens));
        }
        return new Workload(prompts, options.N, lengths);
    }

    public static WorkloadBenchRow Run(LlamaModel model, Workload workload, WorkloadBenchOptions options, Batching batching)
    {
        var sampler = new SamplerOptions
        {
            N = workload.N,
            Parallel = options.Parallel,
            MaxTokens = options.MaxTokens,
            Temperature = options.Chain.Temperature,
            TopK = options.Chain.TopK,
            TopP = options.Chain.TopP,
            MinP = options.Chain.MinP,
            Threads = options.Threads,
            KvUnified = options.KvUnified,
            Batching = batching,
            Seed = 1,
        };
        var problemIndex = workload.Prompts.Select((p, i) => (p.ProblemId, i)).ToDictionary(x => x.ProblemId, x => x.i);
        int? Length(string problemId, int index) => workload.LengthOf(problemIndex[problemId], index);
        var indices = Enumerable.Range(0, workload.N).ToList();
        long generated = 0, prefilled;
        var clock = Stopwatch.StartNew();
        if (batching == Batching.Continuous)
        {
            using var continuous = new ContinuousSampler(model, sampler, Length);
            foreach (var wave in continuous.Sample([.. workload.Prompts.Select(p => new ProblemWork(p, indices))])) generated += wave.GeneratedTokens;
            prefilled = continuous.PromptTokensPrefilled;
        }
        else
        {
            using var waves = new BatchedSampler(model, sampler, Length);
            foreach (var prompt in workload.Prompts)
            {
                foreach (var wave in waves.Sample(prompt, indices)) generated += wave.GeneratedTokens;
            }
            prefilled = waves.PromptTokensPrefilled;
        }
        var seconds = clock.Elapsed.TotalSeconds;
        if (generated != workload.TotalTokens) throw new InvalidOperationException($"The {batching} run generated {generated} tokens, not the workload's {workload.TotalTokens}.");
        return new WorkloadBenchRow(batching.ToString().ToLowerInvariant(), workload.Prompts.Count, workload.Lengths.Length, generated, prefilled, seconds);
    }
}
