using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace BestOfN.Cli.Tests.Commands;

public class SampleCommandTests
{
    [Fact]
    public void Sample_then_export_writes_one_line_per_sample_with_the_rendered_prompt()
    {
        var dir = CliRunner.TempDir();
        var store = Path.Combine(dir, "runs.db");
        var data = CliRunner.Gsm8kFile(3);
        var r = CliRunner.Run("sample", "--model", CliRunner.TinyModel, "--dataset", $"gsm8k:{data}", "--n", "4", "--parallel", "2",
            "--max-tokens", "8", "--store", store, "--prompt", "Chat", "--system", "Reason step by step.");
        Assert.True(r.ExitCode == 0, r.Error + r.Output);
        Assert.Contains("12 samples drawn", r.Output);

        var again = CliRunner.Run("sample", "--model", CliRunner.TinyModel, "--dataset", $"gsm8k:{data}", "--n", "4", "--parallel", "2",
            "--max-tokens", "8", "--store", store, "--prompt", "Chat", "--system", "Reason step by step.");
        Assert.Contains("0 samples drawn, 12 already stored", again.Output);

        var outFile = Path.Combine(dir, "samples.jsonl");
        Assert.Equal(0, CliRunner.Run("export", "--store", store, "--out", outFile).ExitCode);
        var lines = File.ReadAllLines(outFile).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(12, lines.Count);
        var first = lines[0];
        Assert.Equal("gsm8k-0", first.GetProperty("problem_id").GetString());
        Assert.Equal("2", first.GetProperty("gold").GetString());
        Assert.StartsWith("<|im_start|>system\nReason step by step.<|im_end|>\n<|im_start|>user\nSam has 0 apples", first.GetProperty("prompt").GetString());
        Assert.InRange(first.GetProperty("num_tokens").GetInt32(), 1, 8);
        Assert.Contains(first.GetProperty("finish_reason").GetString(), new[] { "eos", "stop", "length" });
    }

    [Fact]
    public void A_larger_n_on_rerun_extends_the_same_run()
    {
        var dir = CliRunner.TempDir();
        var store = Path.Combine(dir, "runs.db");
        var data = CliRunner.Gsm8kFile(2);
        string[] Args(int n) => ["sample", "--model", CliRunner.TinyModel, "--dataset", $"gsm8k:{data}", "--n", n.ToString(), "--max-tokens", "4", "--store", store, "--prompt", "Raw"];
        Assert.Equal(0, CliRunner.Run(Args(2)).ExitCode);
        var r = CliRunner.Run(Args(5));
        // The default --parallel (64) holds all 5 samples in one wave, which --n 2 had cut short: it is drawn again whole, so the run
        // equals a fresh --n 5 (see Reliability/RunSettingsTests).
        Assert.Contains("10 samples drawn, 0 already stored", r.Output);
        using var c = new SqliteConnection($"Data Source={store};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT COUNT(DISTINCT run_id), COUNT(*) FROM samples";
        using var reader = cmd.ExecuteReader();
        reader.Read();
        Assert.Equal((1L, 10L), (reader.GetInt64(0), reader.GetInt64(1)));
    }

    [Fact]
    public void Invalid_options_are_all_reported_before_anything_runs()
    {
        var r = CliRunner.Run("sample", "--model", CliRunner.TinyModel, "--dataset", "gsm8k:x.jsonl", "--n", "0", "--parallel", "999", "--top-p", "2");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--n must be", r.Error);
        Assert.Contains("--parallel must be", r.Error);
        Assert.Contains("--top-p must be", r.Error);
    }

    [Fact]
    public void Help_lists_every_sampling_option()
    {
        var r = CliRunner.Run("sample", "--help");
        foreach (var option in new[] { "--model", "--dataset", "--n", "--temperature", "--top-p", "--max-tokens", "--parallel", "--seed", "--store", "--limit", "--problems", "--prompt", "--stop" })
            Assert.Contains(option, r.Output);
    }
}
