using BestOfN.Llama.Gguf;
using BestOfN.Pipeline.Experiments;
using BestOfN.Pipeline.Expo;
using BestOfN.Store;

namespace BestOfN.Pipeline.Tests.Experiments;

public class ExperimentPlannerTests
{
    [Fact]
    public void An_expo_generators_model_is_built_first_into_models_beside_the_store_under_its_cache_key()
    {
        var folder = Directory.CreateTempSubdirectory("bestofn-experiment-expo").FullName;
        var sft = TestModels.Tiny;
        var aligned = TestModels.WriteModel("tiny-aligned.gguf", new TinyLlamaSpec { Seed = 9 });
        File.WriteAllLines(Path.Combine(folder, "gsm8k.jsonl"), Enumerable.Range(0, 2).Select(i => $$"""{"question": "{{ExperimentFixture.Question(i)}}", "answer": "#### {{2 * i + 2}}"}"""));
        var file = Path.Combine(folder, "exp.yaml");
        File.WriteAllText(file, $$"""
            name: expo
            store: db/runs.db
            datasets:
              gsm8k: { spec: "gsm8k:gsm8k.jsonl" }
            generators:
              expo-0.3: { expo: { sft: "{{sft}}", aligned: "{{aligned}}", alpha: 0.3 }, prompt: raw, n: 2, max_tokens: 4, parallel: 2, threads: 1 }
            """);

        var plan = RunExperiment.Run(new ExperimentRequest(file) { DryRun = true }).Plan;

        var key = ExpoMerge.CacheKey(RunStore.FileSha256(sft), RunStore.FileSha256(aligned), 0.3, "f32");
        Assert.Equal([StageKind.BuildModel, StageKind.Sample], plan.Select(s => s.Kind));
        Assert.Equal(Path.Combine(folder, "db", "models", "expo-" + key + ".gguf"), plan[0].ModelPath);
        Assert.Null(plan[1].RunId); // the run's identity needs the built model's hash
        var first = RunExperiment.Run(new ExperimentRequest(file));
        Assert.True(File.Exists(plan[0].ModelPath));
        Assert.Equal(["build expo-0.3 (expo)", "sample expo-0.3 × gsm8k"], first.Outcomes.Where(o => o.Ran).Select(o => o.Stage.Label));
        Assert.DoesNotContain(RunExperiment.Run(new ExperimentRequest(file)).Outcomes, o => o.Ran);
    }
}
