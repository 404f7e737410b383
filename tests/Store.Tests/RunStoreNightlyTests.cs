using BestOfN.Store;

namespace BestOfN.Store.Tests;

public class RunStoreNightlyTests
{
    private static string NewStore() => Path.Combine(Directory.CreateTempSubdirectory("bestofn-store-nightly").FullName, "nightly.db");

    [Fact]
    public void An_attempt_is_stored_running_then_finished_with_its_runs_and_metrics_and_reads_back_after_reopening()
    {
        var path = NewStore();
        var started = new DateTimeOffset(2026, 6, 1, 2, 0, 0, TimeSpan.FromHours(1));
        using (var store = RunStore.Open(path))
        {
            var failed = store.StartNightlyRun("a.jsonl", "dump", "aa", 1, started, "prm=0123/rlhflow-prm");
            store.FinishNightlyRun(failed, started.AddMinutes(1), NightlyStatus.Failed, "bad line", [], []);
            var running = store.StartNightlyRun("b.gguf", "checkpoint", "bb", 1, started.AddMinutes(2), "");
            Assert.Equal(NightlyStatus.Running, store.NightlyRuns().Single(r => r.Id == running).Status);
            store.FinishNightlyRun(running, started.AddMinutes(3), NightlyStatus.Succeeded, null, ["run-1"],
                [new NightlyMetric("gsm8k/pass@1", 0.5, 0.25, 0.75), new NightlyMetric("gsm8k/maj@4", 0.6, null, null)]);
            store.SetNightlyState("last_fire", "2026-06-01T01:00:00.0000000+00:00");
        }

        using var reopened = RunStore.OpenReadOnly(path);
        var runs = reopened.NightlyRuns();

        Assert.Equal(2, runs.Count);
        Assert.Equal(("a.jsonl", NightlyStatus.Failed, "bad line", "prm=0123/rlhflow-prm"), (runs[0].Item, runs[0].Status, runs[0].Error, runs[0].RewardModels));
        Assert.Empty(runs[0].Metrics);
        Assert.Equal((started.AddMinutes(2), started.AddMinutes(3)), (runs[1].Started, runs[1].Finished!.Value));
        Assert.Equal(["run-1"], runs[1].RunIds);
        Assert.Equal([new NightlyMetric("gsm8k/pass@1", 0.5, 0.25, 0.75), new NightlyMetric("gsm8k/maj@4", 0.6, null, null)], runs[1].Metrics);
        Assert.Equal("2026-06-01T01:00:00.0000000+00:00", reopened.NightlyState("last_fire"));
        Assert.Null(reopened.NightlyState("other"));
    }

    [Fact]
    public void A_store_from_before_the_nightly_tables_reads_as_an_empty_history()
    {
        var path = NewStore();
        using (RunStore.Open(path))
        {
        }

        using var store = RunStore.OpenReadOnly(path);

        Assert.Empty(store.NightlyRuns());
        Assert.Null(store.NightlyState("last_fire"));
    }
}
