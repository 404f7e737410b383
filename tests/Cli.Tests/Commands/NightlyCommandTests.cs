using System.Text.Json;
using BestOfN.Pipeline.Nightly;

namespace BestOfN.Cli.Tests.Commands;

public class NightlyCommandTests
{
    /// <summary>A nightly file watching one folder of RLHFlow dumps (no reward model: Pass@k and majority only), with one dump that settled an hour ago.</summary>
    private static string NightlyFile(string extra = "")
    {
        var folder = CliRunner.TempDir();
        File.Copy(CliRunner.Gsm8kFile(2), Path.Combine(folder, "gsm8k.jsonl"));
        Directory.CreateDirectory(Path.Combine(folder, "incoming"));
        var dump = Path.Combine(folder, "incoming", "epoch1.jsonl");
        File.WriteAllLines(dump, Enumerable.Range(0, 2).Select(i =>
            $$"""{"prompt": "Sam has {{i}} apples and buys {{i + 2}} more. How many apples does he have?", "answers": ["The answer is: {{2 * i + 2}}", "The answer is: 9"], "label": [1, 0]}"""));
        File.SetLastWriteTimeUtc(dump, DateTime.UtcNow.AddHours(-1));
        var file = Path.Combine(folder, "nightly.yaml");
        File.WriteAllText(file, $$"""
            schedule: "0 2 * * *"
            time_zone: UTC
            store: nightly.db
            datasets: { gsm8k: { spec: "gsm8k:gsm8k.jsonl" } }
            watch:
              dumps: { folder: incoming/, format: rlhflow, dataset: gsm8k }
            {{extra}}
            """);
        return file;
    }

    [Fact]
    public void Once_scores_the_new_dump_then_history_json_prints_one_line_per_processed_item()
    {
        var file = NightlyFile();

        var once = CliRunner.Run("nightly", "--config", file, "--once");
        var again = CliRunner.Run("nightly", "--config", file, "--once");
        var history = CliRunner.Run("nightly", "--config", file, "--history", "--json");

        Assert.True(once.ExitCode == 0, once.Error);
        Assert.Matches(@"succeeded   dump epoch1.jsonl \([0-9a-f]{12}, attempt 1\): gsm8k/pass@1 50\.0% \[", once.Output);
        Assert.Contains("1 new item(s) processed", once.Output);
        Assert.Contains("0 new item(s) processed", again.Output);
        var line = Assert.Single(history.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        Assert.Equal(["item", "kind", "sha256", "status", "started", "finished", "run_ids", "metrics", "attempt", "error", "reward_models"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("epoch1.jsonl", "dump", "succeeded"), (root.GetProperty("item").GetString(), root.GetProperty("kind").GetString(), root.GetProperty("status").GetString()));
        Assert.Equal(0.5, root.GetProperty("metrics").GetProperty("gsm8k/pass@1").GetProperty("value").GetDouble());
        Assert.Equal(1, root.GetProperty("run_ids").GetArrayLength());
    }

    [Fact]
    public void A_second_instance_exits_75_with_a_message_while_the_first_holds_the_lock()
    {
        var file = NightlyFile();
        var lockPath = Path.Combine(Path.GetDirectoryName(file)!, "nightly.db.nightly.lock");

        CliRunner.Result second;
        using (NightlyLock.Acquire(lockPath)) second = CliRunner.Run("nightly", "--config", file, "--once");
        var after = CliRunner.Run("nightly", "--config", file, "--once");

        Assert.Equal(75, second.ExitCode);
        Assert.StartsWith($"error: another nightly run holds {lockPath} (the file names its process id); this one exits", second.Error, StringComparison.Ordinal);
        Assert.Equal(0, after.ExitCode);
    }

    [Fact]
    public void A_bad_nightly_file_exits_2_with_one_line_naming_file_line_and_key()
    {
        var file = NightlyFile("max_atempts: 3");

        var r = CliRunner.Run("nightly", "--config", file, "--once");

        Assert.Equal(2, r.ExitCode);
        Assert.Equal([$"error: {file}:7: max_atempts: unknown key in the nightly file; its keys are schedule, time_zone, store, out, datasets, watch, reward_models, max_attempts, notify"],
            r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')));
    }
}
