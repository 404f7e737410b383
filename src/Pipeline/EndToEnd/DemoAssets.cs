using BestOfN.Llama.Gguf;
using BestOfN.Llama.Native;
using BestOfN.Problems;
using BestOfN.Sampler.Bench;
using BestOfN.Verifier.Scoring;

namespace BestOfN.Pipeline;

/// <summary>
/// The embedded default of <c>run</c>: the demo's test problems and its three trained models (generator, ORM, PRM; built by
/// <c>bestofn train-demo</c>, committed in data/models), written once into the cache so loaders read them like any file.
/// </summary>
public static class DemoAssets
{

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

    /// <summary>The demo generator (trained on correct solutions to the demo task).</summary>
    public static string Generator() => Embedded(DemoModels.GeneratorFile);

    /// <summary>The demo ORM (RLHFlow format, trained on the generator's samples labelled by final-answer correctness).</summary>
    public static string Orm() => Embedded(DemoModels.OrmFile);

    /// <summary>The demo PRM (RLHFlow step format, trained on exact step labels).</summary>
    public static string Prm() => Embedded(DemoModels.PrmFile);

    /// <summary>The demo reward model for a protocol: the PRM for one that scores steps, the ORM otherwise.</summary>
    public static string RewardModel(IRewardProtocol protocol) =>
        protocol.ScoresSteps(new ScorerOptions { Protocol = protocol }) ? Prm() : Orm();

    /// <summary>An embedded model, written into the cache under a name holding its hash (a rebuilt model never reads a stale copy).</summary>
    private static string Embedded(string file)
    {
        using var resource = typeof(DemoAssets).Assembly.GetManifestResourceStream($"BestOfN.data.models.{file}")
            ?? throw new InvalidOperationException($"The embedded demo model {file} is missing from this build.");
        var bytes = new byte[resource.Length];
        resource.ReadExactly(bytes);
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes))[..12];
        var path = Path.Combine(NativePackages.CacheRoot(), "models", $"{Path.GetFileNameWithoutExtension(file)}-{hash}.gguf");
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var tmp = path + $".{Environment.ProcessId}.partial";
            File.WriteAllBytes(tmp, bytes);
            File.Move(tmp, path, overwrite: true);
        }
        return path;
    }

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
