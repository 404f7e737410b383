using BestOfN.Llama.Gguf;
using BestOfN.Llama.Native;
using BestOfN.Problems;
using BestOfN.Sampler.Bench;

namespace BestOfN.Pipeline;

/// <summary>The embedded default of <c>run</c>: demo problems and tiny generated models, written once into the cache.</summary>
public static class DemoAssets
{
    private static readonly TinyLlamaSpec RewardSpec = TinyLlamaSpec.RlhflowShapedVerifier with { Seed = 77 };

    /// <summary>The embedded demo problems (GSM8K format), written into the cache so loaders read them like any file.</summary>
    public static DatasetSpec Problems()
    {
        var path = Path.Combine(NativePackages.CacheRoot(), "data", "demo-gsm8k.jsonl");
        using var resource = typeof(DemoAssets).Assembly.GetManifestResourceStream("BestOfN.data.demo-gsm8k.jsonl")
            ?? throw new InvalidOperationException("The embedded demo problems are missing from this build.");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var file = File.Create(path)) resource.CopyTo(file);
        return new DatasetSpec(DatasetFormat.Gsm8k, path, new Dictionary<string, string>());
    }

    /// <summary>A tiny llama generator with random weights.</summary>
    public static string Generator() => Model("demo-tiny-llama.gguf", new TinyLlamaSpec());

    /// <summary>A tiny RLHFlow-shaped verifier with random weights.</summary>
    public static string RewardModel() => Model("demo-tiny-reward-llama.gguf", RewardSpec);

    /// <summary>The benchmarks' model when none is given: ~35M parameters, F16.</summary>
    public static string BenchModel() => Model("bench-llama-35m-f16.gguf", SamplerBenchmark.BenchModelSpec);

    /// <summary>A generated model, written once into the cache.</summary>
    public static string Model(string name, TinyLlamaSpec spec)
    {
        var path = Path.Combine(NativePackages.CacheRoot(), "models", name);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            TinyLlamaModel.Write(path, spec);
        }
        return path;
    }
}
