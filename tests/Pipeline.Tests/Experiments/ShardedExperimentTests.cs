using System.Text.Json.Nodes;
using BestOfN.Pipeline.Experiments;
using BestOfN.Pipeline.Experiments.Report;
using BestOfN.Pipeline.Merging;
using BestOfN.Pipeline.Sharding;
using BestOfN.Store;

namespace BestOfN.Pipeline.Tests.Experiments;

[Collection(ExperimentCollection.Name)]
public class ShardedExperimentTests(ExperimentFixture fixture)
{
    [Fact]
    public void Two_shards_of_an_experiment_merge_into_the_store_one_run_writes_then_report()
    {
        var folder = fixture.CopyTo("bestofn-sharded-experiment");
        foreach (var file in Directory.GetFiles(folder, "runs.db*")) File.Delete(file);
        var file0 = Path.Combine(folder, "exp.yaml");

        var shards = Enumerable.Range(0, 2).Select(i => RunExperiment.Run(new ExperimentRequest(file0) { Shard = new ShardSpec(i, 2) })).ToList();
        Assert.All(shards, s => Assert.Null(s.Report)); // a shard writes no report
        Assert.Equal([Path.Combine(folder, "runs.shard-000-of-002.db"), Path.Combine(folder, "runs.shard-001-of-002.db")], shards.Select(s => s.StorePath));
        Assert.False(File.Exists(Path.Combine(folder, "runs.db")));

        var merged = MergeStores.Run(new MergeRequest(Path.Combine(folder, "runs.db"), [.. shards.Select(s => s.StorePath)]));
        Assert.True(merged.Complete, string.Join("; ", merged.Runs.Select(r => $"{r.RunId}: {r.MissingProblems.Count} problems, {r.MissingSamples.Count} short")));
        Assert.Equal(3, merged.Runs.Count); // two sampled generators and one import

        Assert.Equal(Export(fixture.First.Experiment.StorePath), Export(Path.Combine(folder, "runs.db")));
        var report = ReportExperiment.Run(file0);
        Assert.True(File.Exists(Path.Combine(report.Folder, "index.html")));
    }

    /// <summary>Every sample with its scores, one line each, sorted; without the wall time a sample took.</summary>
    private static List<string> Export(string path)
    {
        using var store = RunStore.OpenReadOnly(path);
        var writer = new StringWriter();
        SampleExport.Write(store, store.Runs(), writer, [new ScoreColumns(store)]);
        return [.. writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            var sample = JsonNode.Parse(line)!.AsObject();
            sample.Remove("gen_ms");
            return sample.ToJsonString();
        }).Order(StringComparer.Ordinal)];
    }
}
