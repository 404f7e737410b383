using System.Globalization;
using BestOfN.Llama.Gguf;
using BestOfN.Pipeline.Experiments;

namespace BestOfN.Pipeline.Tests.Experiments;

/// <summary>
/// One experiment run once for the tests of its collection: 2 tiny generators (the second an ExPO extrapolation of two tiny models), 1 GSM8K dataset of 5 problems written here,
/// 2 RLHFlow-shaped reward models (PRM and ORM protocols), and 1 imported RLHFlow set with shipped labels, all from one call.
/// </summary>
public sealed class ExperimentFixture
{
    public ExperimentFixture()
    {
        Folder = Directory.CreateTempSubdirectory("bestofn-experiment").FullName;
        GeneratorA = TestModels.Tiny;
        GeneratorB = TestModels.WriteModel("tiny-generator-b.gguf", new TinyLlamaSpec { Seed = 5 });
        RewardModel = ScoringTestModels.Llama3Prm;
        File.WriteAllLines(Path.Combine(Folder, "gsm8k.jsonl"), Enumerable.Range(0, 5).Select(i => $$"""{"question": "{{Question(i)}}", "answer": "{{i}} + {{i + 2}} = {{2 * i + 2}}\n#### {{2 * i + 2}}"}"""));
        File.WriteAllLines(Path.Combine(Folder, "published.jsonl"), PublishedAnswers.Select((answers, i) =>
            $$"""{"prompt": "{{Question(i)}}", "answers": [{{string.Join(", ", answers.Select(a => $"\"Step 1: add them ки\\nStep 2: The answer is: {a} ки\""))}}], "label": [{{string.Join(", ", answers.Select(a => a == 2 * i + 2 ? 1 : 0))}}]}"""));
        WriteExperiment(Folder, temperatureB: 1.0);
        First = RunExperiment.Run(new ExperimentRequest(ExperimentFile));
    }

    public string Folder { get; }

    public string ExperimentFile => Path.Combine(Folder, "exp.yaml");

    public string GeneratorA { get; }

    public string GeneratorB { get; }

    public string RewardModel { get; }

    /// <summary>The first run, with an empty store.</summary>
    public ExperimentResult First { get; }

    /// <summary>
    /// The imported set's answers per problem (gold 2i+2): Pass@1 = 10/20 = 50%, Maj@4 = 3/5 = 60% (problems 0, 2 and 4), the Pass@4
    /// oracle 4/5 = 80% (every problem but 3).
    /// </summary>
    public static readonly int[][] PublishedAnswers =
    [
        [2, 2, 7, 9],
        [1, 1, 1, 4],
        [6, 6, 6, 6],
        [0, 0, 5, 5],
        [10, 10, 10, 3],
    ];

    /// <summary>Copies the experiment's files and its cached models into a fresh folder, as a user copying the folder would.</summary>
    public string CopyTo(string prefix)
    {
        var copy = Directory.CreateTempSubdirectory(prefix).FullName;
        foreach (var file in Directory.GetFiles(Folder).Where(f => !f.EndsWith("-shm", StringComparison.Ordinal)))
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        var models = Path.Combine(Folder, "models");
        if (Directory.Exists(models))
        {
            Directory.CreateDirectory(Path.Combine(copy, "models"));
            foreach (var file in Directory.GetFiles(models)) File.Copy(file, Path.Combine(copy, "models", Path.GetFileName(file)));
        }

        return copy;
    }

    public static string Question(int i) => $"Sam has {i} apples and buys {i + 2} more. How many apples does he have?";

    /// <summary>Writes exp.yaml into <paramref name="folder"/>: data files by relative path, models by absolute path.</summary>
    public void WriteExperiment(string folder, double temperatureB) => File.WriteAllText(Path.Combine(folder, "exp.yaml"), string.Create(CultureInfo.InvariantCulture, $"""
        name: ood-tiny
        store: runs.db
        out: report
        datasets:
          gsm8k: {"{"} spec: "gsm8k:gsm8k.jsonl" {"}"}
        generators:
          tiny-a: {"{"} model: "{GeneratorA}", prompt: raw, n: 4, temperature: 0.7, max_tokens: 8, parallel: 4, threads: 1, generator_family: mistral {"}"}
          tiny-b: {"{"} expo: {"{"} sft: "{GeneratorA}", aligned: "{GeneratorB}", alpha: 0.3 {"}"}, prompt: raw, n: 4, temperature: {temperatureB}, max_tokens: 8, parallel: 4, threads: 1, generator_family: deepseek {"}"}
          published: {"{"} import: {"{"} format: rlhflow, path: published.jsonl, dataset: gsm8k, style: mistral {"}"} {"}"}
        reward_models:
          prm: {"{"} model: "{RewardModel}", protocol: rlhflow-prm, batch: 4, ctx_size: 4096, max_tokens: 1024, threads: 1, flash_attn: off, trained_on: mistral {"}"}
          orm: {"{"} model: "{RewardModel}", protocol: rlhflow-orm, batch: 4, ctx_size: 4096, max_tokens: 1024, threads: 1, flash_attn: off {"}"}
        report: {"{"} ks: [1, 2, 4], prm_aggregation: min, bootstrap: 200 {"}"}
        """));
}

[CollectionDefinition(Name)]
public sealed class ExperimentCollection : ICollectionFixture<ExperimentFixture>
{
    public const string Name = "experiment";
}
