using BestOfN.Pipeline.Experiments;
using BestOfN.Store;

namespace BestOfN.Pipeline.Tests.Experiments;

[Collection(ExperimentCollection.Name)]
public class RunExperimentTests(ExperimentFixture fixture)
{
    private static string[] Ran(ExperimentResult result) => result.Outcomes.Where(o => o.Ran).Select(o => o.Stage.Label).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void One_call_samples_imports_and_scores_every_set_with_every_reward_model_then_writes_the_report()
    {
        var result = fixture.First;

        Assert.False(result.Interrupted);
        Assert.Equal(
        [
            "build tiny-b (expo)",
            "import published (gsm8k)",
            "sample tiny-a × gsm8k", "sample tiny-b × gsm8k",
            "score published × gsm8k with orm", "score published × gsm8k with prm",
            "score tiny-a × gsm8k with orm", "score tiny-a × gsm8k with prm",
            "score tiny-b × gsm8k with orm", "score tiny-b × gsm8k with prm",
        ], Ran(result));
        using var store = RunStore.OpenReadOnly(Path.Combine(fixture.Folder, "runs.db"));
        var cells = store.ExperimentCells("ood-tiny");
        Assert.Equal(9, cells.Count);
        foreach (var cell in cells.Where(c => c.RewardModel != ""))
            Assert.Equal(store.SampleCount(cell.RunId), store.ScoreCount(cell.RunId, cell.ScorerId));
        Assert.Equal(20, store.SampleCount(cells.Single(c => c.Generator == "tiny-a" && c.RewardModel == "").RunId));
        var sampling = store.Accounting(cells.Single(c => c.Generator == "tiny-b" && c.RewardModel == "").RunId, "")!;
        Assert.True(sampling.GeneratedTokens > 0 && sampling.PromptTokens > 0 && sampling.WallMilliseconds > 0, sampling.ToString());
        var report = Path.Combine(fixture.Folder, "report");
        foreach (var file in new[] { "index.html", "report.md", "curves.json", "table.tex", "manifest.json", "curves-gsm8k-tiny-a.png", "curves-gsm8k-published.png" })
            Assert.True(new FileInfo(Path.Combine(report, file)) is { Exists: true, Length: > 0 }, file);
        Assert.Empty(Directory.GetFiles(report, "*.tmp"));
    }

    [Fact]
    public void A_rerun_runs_no_stage()
    {
        var again = RunExperiment.Run(new ExperimentRequest(fixture.ExperimentFile));

        Assert.Empty(Ran(again));
        Assert.Equal(10, again.Outcomes.Count);
        Assert.All(again.Plan, s => Assert.True(s.Done, s.Label));
    }

    [Fact]
    public void Changing_one_generators_temperature_reruns_only_that_generator()
    {
        var copy = fixture.CopyTo("bestofn-experiment-edit");
        fixture.WriteExperiment(copy, temperatureB: 0.3);

        var dryRun = RunExperiment.Run(new ExperimentRequest(Path.Combine(copy, "exp.yaml")) { DryRun = true });
        var edited = RunExperiment.Run(new ExperimentRequest(Path.Combine(copy, "exp.yaml")));

        Assert.Equal(["sample tiny-b × gsm8k", "score tiny-b × gsm8k with orm", "score tiny-b × gsm8k with prm"],
            dryRun.Plan.Where(s => !s.Done).Select(s => s.Label).Order(StringComparer.Ordinal));
        Assert.Equal(["sample tiny-b × gsm8k", "score tiny-b × gsm8k with orm", "score tiny-b × gsm8k with prm"], Ran(edited));
        using var store = RunStore.OpenReadOnly(Path.Combine(copy, "runs.db"));
        var cell = store.ExperimentCells("ood-tiny").Single(c => c.Generator == "tiny-b" && c.RewardModel == "");
        Assert.Contains("\"temperature\":0.3", store.Run(cell.RunId)!.ConfigJson);
        Assert.Equal(3, store.Runs().Count(r => r.Kind == "sample")); // the old tiny-b run is kept, the cell points at the new one
    }

    [Fact]
    public void Growing_n_draws_and_scores_only_the_missing_samples_of_the_same_run()
    {
        var copy = fixture.CopyTo("bestofn-experiment-grow");
        var experiment = Path.Combine(copy, "exp.yaml");
        File.WriteAllText(experiment, File.ReadAllText(experiment).Replace("prompt: raw, n: 4, temperature: 0.7", "prompt: raw, n: 6, temperature: 0.7", StringComparison.Ordinal));

        var grown = RunExperiment.Run(new ExperimentRequest(experiment));

        var sample = grown.Outcomes.Single(o => o.Stage.Label == "sample tiny-a × gsm8k");
        Assert.Equal(10, sample.Stage.MissingItems); // 5 problems × 2 new samples; n is not part of the run's identity
        Assert.StartsWith("10 samples drawn, 20 already stored", sample.Summary);
        Assert.Equal(["sample tiny-a × gsm8k", "score tiny-a × gsm8k with orm", "score tiny-a × gsm8k with prm"], Ran(grown));
        Assert.All(grown.Outcomes.Where(o => o.Stage.Kind == StageKind.Score && o.Ran), o => Assert.StartsWith("10 answers scored, 20 already stored", o.Summary));
    }

    [Fact]
    public void A_dry_run_plans_every_stage_with_its_estimated_tokens_and_writes_nothing()
    {
        var folder = Directory.CreateTempSubdirectory("bestofn-experiment-dry").FullName;
        foreach (var file in new[] { "gsm8k.jsonl", "published.jsonl" }) File.Copy(Path.Combine(fixture.Folder, file), Path.Combine(folder, file));
        fixture.WriteExperiment(folder, temperatureB: 1.0);

        var plan = RunExperiment.Run(new ExperimentRequest(Path.Combine(folder, "exp.yaml")) { DryRun = true });

        Assert.Equal(10, plan.Plan.Count);
        Assert.All(plan.Plan, s => Assert.False(s.Done));
        var sample = plan.Plan.Single(s => s.Label == "sample tiny-a × gsm8k");
        Assert.Equal((20L, 20L * 8), (sample.MissingItems, sample.EstimatedTokens));
        Assert.Empty(plan.Outcomes);
        Assert.Equal(["exp.yaml", "gsm8k.jsonl", "published.jsonl"], Directory.GetFileSystemEntries(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}
