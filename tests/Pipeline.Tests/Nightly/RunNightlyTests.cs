using System.Globalization;
using BestOfN.Llama.Gguf;
using BestOfN.Pipeline.Nightly;
using BestOfN.Store;

namespace BestOfN.Pipeline.Tests.Nightly;

/// <summary>End to end on tiny models: a watched folder of RLHFlow-format dumps and one of generator GGUFs, scored by a tiny PRM.</summary>
public class RunNightlyTests
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bestofn-nightly").FullName;
    private readonly ManualTimeProvider _clock = new(DateTimeOffset.UtcNow.AddHours(1)); // every file written here has settled

    public RunNightlyTests()
    {
        Directory.CreateDirectory(Incoming);
        Directory.CreateDirectory(Checkpoints);
        File.WriteAllLines(Path.Combine(_folder, "gsm8k.jsonl"), Enumerable.Range(0, 3).Select(i =>
            $$"""{"question": "{{Question(i)}}", "answer": "{{i}} + {{i + 2}} = {{2 * i + 2}}\n#### {{2 * i + 2}}"}"""));
        File.WriteAllText(ConfigFile, $"""
            schedule: "0 2 * * *"
            time_zone: UTC
            store: nightly.db
            out: reports/nightly
            datasets: {"{"} gsm8k: {"{"} spec: "gsm8k:gsm8k.jsonl" {"}"} {"}"}
            watch:
              dumps: {"{"} folder: incoming/, format: rlhflow, dataset: gsm8k {"}"}
              checkpoints: {"{"} folder: checkpoints/, dataset: gsm8k, n: 2, prompt: raw, max_tokens: 4, parallel: 2, threads: 1 {"}"}
            reward_models: {"{"} prm: {"{"} model: "{ScoringTestModels.Llama3Prm}", protocol: rlhflow-prm, batch: 4, ctx_size: 4096, max_tokens: 1024, threads: 1, flash_attn: off {"}"} {"}"}
            max_attempts: 2
            notify: {"{"} url: null {"}"}
            """);
    }

    private string ConfigFile => Path.Combine(_folder, "nightly.yaml");

    private string Incoming => Path.Combine(_folder, "incoming");

    private string Checkpoints => Path.Combine(_folder, "checkpoints");

    private static string Question(int i) => $"Sam has {i} apples and buys {i + 2} more. How many apples does he have?";

    /// <summary>An RLHFlow-format dump whose answers to problem i are gold + offset (so each dump has its own content and accuracy).</summary>
    private void Dump(string name, int offset) => File.WriteAllLines(Path.Combine(Incoming, name), Enumerable.Range(0, 3).Select(i =>
        $$"""{"prompt": "{{Question(i)}}", "answers": ["Step 1: add them ки\nStep 2: The answer is: {{2 * i + 2}} ки", "Step 1: add them ки\nStep 2: The answer is: {{2 * i + 2 + offset}} ки"], "label": [1, {{(offset == 0 ? 1 : 0)}}]}"""));

    private NightlyResult Run(CancellationToken cancellationToken = default, IProgress<NightlyProgress>? progress = null) =>
        RunNightly.Run(new NightlyRequest(ConfigFile) { Clock = _clock }, progress, cancellationToken);

    [Fact]
    public void Two_dumps_are_processed_then_nothing_is_new_then_only_a_third_dump_and_a_renamed_dump_is_not_new()
    {
        Dump("epoch1.jsonl", 5);
        Dump("epoch2.jsonl", 0);

        var first = Run();
        var again = Run();
        File.Move(Path.Combine(Incoming, "epoch1.jsonl"), Path.Combine(Incoming, "epoch1-renamed.jsonl"));
        Dump("epoch3.jsonl", 7); // a planted regression: Pass@1 falls from 100% to 50%
        var third = Run();

        Assert.Equal(["epoch1.jsonl", "epoch2.jsonl"], first.Processed.Select(r => r.Item));
        Assert.All(first.Processed, r => Assert.Equal((NightlyStatus.Succeeded, null), (r.Status, r.Error)));
        Assert.Empty(again.Processed);
        Assert.Equal(["epoch3.jsonl"], third.Processed.Select(r => r.Item));
        var history = NightlyHistory.Read(ConfigFile);
        Assert.Equal(["epoch1.jsonl", "epoch2.jsonl", "epoch3.jsonl"], history.Select(r => r.Item));
        var pass1 = history.Select(r => r.Metrics.Single(m => m.Name == "gsm8k/pass@1")).ToList();
        Assert.Equal([0.5, 1.0, 0.5], pass1.Select(m => m.Value));
        Assert.All(history, r => Assert.Contains(r.Metrics, m => m.Name.StartsWith("gsm8k/rm@", StringComparison.Ordinal)));
        Assert.All(history, r => Assert.Single(r.RunIds));
        var line = NightlyHistory.JsonLine(history[1]);
        Assert.StartsWith($$"""{"item":"epoch2.jsonl","kind":"dump","sha256":"{{history[1].Sha256}}","status":"succeeded","started":""", line, StringComparison.Ordinal);
        Assert.Contains($$""","run_ids":["{{history[1].RunIds[0]}}"],"metrics":{"gsm8k/pass@1":{"value":1,"ci_low":""", line, StringComparison.Ordinal);
        var pass1Trend = third.Trend!.Rows.Single(r => r.Metric == "gsm8k/pass@1");
        Assert.Equal((3, "epoch3.jsonl", "epoch2.jsonl", "epoch2.jsonl", true),
            (pass1Trend.Points, pass1Trend.Last.Item, pass1Trend.Previous!.Item, pass1Trend.Best.Item, pass1Trend.Regression));
        Assert.False(first.Trend!.Rows.Single(r => r.Metric == "gsm8k/pass@1").Regression); // a rise is no regression
        var trendMd = File.ReadAllText(Path.Combine(_folder, "reports", "nightly", "trend.md"));
        Assert.Contains("| dump | gsm8k/pass@1 | 3 | 50.0% [", trendMd, StringComparison.Ordinal);
        Assert.Contains("(epoch3.jsonl) |", trendMd, StringComparison.Ordinal);
        Assert.Contains("**REGRESSION**", trendMd, StringComparison.Ordinal);
        Assert.Contains("![gsm8k: dumps](trend-dump-gsm8k.png)", trendMd, StringComparison.Ordinal);
        Assert.True(new FileInfo(Path.Combine(_folder, "reports", "nightly", "trend-dump-gsm8k.png")).Length > 1000);
        Assert.Contains("data:image/png;base64,", File.ReadAllText(Path.Combine(_folder, "reports", "nightly", "trend.html")), StringComparison.Ordinal);
    }

    [Fact]
    public void A_new_reward_model_makes_every_item_new_and_only_its_scoring_runs()
    {
        Dump("epoch1.jsonl", 0);
        var first = Run();
        File.WriteAllText(ConfigFile, File.ReadAllText(ConfigFile).Replace("flash_attn: off } }", "flash_attn: off }, orm: { model: \"" + ScoringTestModels.Llama3Prm +
            "\", protocol: rlhflow-orm, batch: 4, ctx_size: 4096, max_tokens: 1024, threads: 1, flash_attn: off } }", StringComparison.Ordinal));

        var withOrm = Run();
        var again = Run();

        var before = Assert.Single(first.Processed);
        var after = Assert.Single(withOrm.Processed);
        Assert.Equal((before.Sha256, before.RunIds[0], NightlyStatus.Succeeded), (after.Sha256, after.RunIds[0], after.Status));
        Assert.Contains("orm=", after.RewardModels, StringComparison.Ordinal);
        Assert.DoesNotContain(before.Metrics, m => m.Name == "gsm8k/rm@2/orm");
        Assert.Contains(after.Metrics, m => m.Name == "gsm8k/rm@2/orm");
        Assert.Empty(again.Processed);
    }

    [Fact]
    public void A_replaced_checkpoint_with_different_content_is_new()
    {
        var checkpoint = Path.Combine(Checkpoints, "step.gguf");
        File.Copy(TestModels.Tiny, checkpoint);

        var first = Run();
        TinyLlamaModel.Write(checkpoint, new TinyLlamaSpec { Seed = 5 });
        var replaced = Run();

        var a = Assert.Single(first.Processed);
        var b = Assert.Single(replaced.Processed);
        Assert.Equal(("step.gguf", "checkpoint", NightlyStatus.Succeeded), (a.Item, a.Kind, a.Status));
        Assert.Equal(("step.gguf", NightlyStatus.Succeeded), (b.Item, b.Status));
        Assert.NotEqual(a.Sha256, b.Sha256);
        Assert.NotEqual(a.RunIds, b.RunIds);
        using var store = RunStore.OpenReadOnly(Path.Combine(_folder, "nightly.db"));
        Assert.Equal(6, store.SampleCount(b.RunIds.Single()));
    }

    [Fact]
    public void A_failing_item_is_recorded_with_its_error_and_retried_up_to_max_attempts_without_blocking_the_others()
    {
        File.WriteAllText(Path.Combine(Incoming, "broken.jsonl"), "this is not json\n");
        Dump("good.jsonl", 0);

        var first = Run();
        var second = Run();
        var third = Run();

        Assert.Equal([("broken.jsonl", NightlyStatus.Failed, 1), ("good.jsonl", NightlyStatus.Succeeded, 1)], first.Processed.Select(r => (r.Item, r.Status, r.Attempt)));
        Assert.Contains("broken.jsonl", first.Processed[0].Error, StringComparison.Ordinal);
        Assert.Equal([("broken.jsonl", NightlyStatus.Failed, 2)], second.Processed.Select(r => (r.Item, r.Status, r.Attempt)));
        Assert.Empty(third.Processed);
        Assert.Equal(["broken.jsonl"], third.GivenUp.Select(f => f.Name));
    }

    [Fact]
    public void A_stop_during_a_run_leaves_a_resumable_state_and_the_next_run_completes_the_item()
    {
        File.Copy(TestModels.Tiny, Path.Combine(Checkpoints, "step.gguf"));
        using var stop = new CancellationTokenSource();

        // Stopped as SIGTERM would, once the first problem's samples are stored.
        var stopped = Run(stop.Token, new Progress(p => { if (p.Stage?.Sampling is { ProblemsDone: >= 1 }) stop.Cancel(); }));
        var resumed = Run();

        Assert.True(stopped.Interrupted);
        Assert.Equal(NightlyStatus.Interrupted, Assert.Single(stopped.Processed).Status);
        var done = Assert.Single(resumed.Processed);
        Assert.Equal((NightlyStatus.Succeeded, 2), (done.Status, done.Attempt));
        using var store = RunStore.OpenReadOnly(Path.Combine(_folder, "nightly.db"));
        Assert.Equal(6, store.SampleCount(done.RunIds.Single()));
    }

    /// <summary>Reports on the calling thread (System.Progress posts to the thread pool, too late to stop the run at a known point).</summary>
    private sealed class Progress(Action<NightlyProgress> report) : IProgress<NightlyProgress>
    {
        public void Report(NightlyProgress value) => report(value);
    }
}
