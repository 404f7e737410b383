namespace BestOfN.Cli.Tests.Commands;

public class BenchScoringCommandTests
{
    [Fact]
    public void Bench_scoring_prints_scored_tokens_per_second_for_each_batch_size()
    {
        var r = CliRunner.Run("bench", "scoring", "--model", CliRunner.TinyModel, "--answers", "4", "--answer-tokens", "16", "--prompt-tokens", "8",
            "--batch", "1,4", "--threads", "2", "--kv", "both");
        Assert.True(r.ExitCode == 0, r.Error + r.Output);
        Assert.Contains("scored tok/s", r.Output);
        var rows = r.Output.Split('\n').Where(l => l.StartsWith("| unified ", StringComparison.Ordinal) || l.StartsWith("| split ", StringComparison.Ordinal)).ToList();
        Assert.Equal(["unified 1", "unified 4", "split 1", "split 4"], rows.Select(row => $"{row.Split('|')[1].Trim()} {row.Split('|')[4].Trim()}"));
        Assert.All(rows, row => Assert.Equal(row.Split('|')[1].Trim(), row.Split('|')[2].Trim())); // a fixed layout is the one used
        Assert.All(rows, row => Assert.Equal("4", row.Split('|')[5].Trim())); // 4 answers at each batch size and KV layout
    }

    [Fact]
    public void Bench_scoring_spreads_answers_over_problems_and_records_the_layout_auto_used_and_the_batching()
    {
        var json = Path.Combine(Directory.CreateTempSubdirectory("bestofn-bench").FullName, "scoring.json");
        var r = CliRunner.Run("bench", "scoring", "--model", CliRunner.TinyModel, "--answers", "6", "--answers-per-problem", "2", "--answer-tokens", "16",
            "--prompt-tokens", "8", "--batch", "4", "--threads", "2", "--batching", "both", "--json", json);
        Assert.True(r.ExitCode == 0, r.Error + r.Output);
        Assert.Contains("6 answers over 3 problem(s)", r.Output);
        var rows = r.Output.Split('\n').Where(l => l.StartsWith("| auto ", StringComparison.Ordinal)).Select(l => l.Split('|').Select(c => c.Trim()).ToArray()).ToList();
        Assert.Equal(["across", "per-problem"], rows.Select(c => c[3]));
        Assert.All(rows, c => Assert.Equal(("split", "4", "6"), (c[2], c[4], c[5]))); // 4 streams of 16384 / 4 cells hold these short answers
        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(json));
        var results = document.RootElement.GetProperty("results").EnumerateArray().Select(x => x.GetProperty("ours")).ToList();
        Assert.Equal(["split", "split"], results.Select(x => x.GetProperty("kv_used").GetString()));
        Assert.Equal([true, false], results.Select(x => x.GetProperty("across_problems").GetBoolean()));
        Assert.Equal(2, document.RootElement.GetProperty("settings").GetProperty("answers_per_problem").GetInt32());
    }

    [Fact]
    public void Bad_batch_sizes_are_listed()
    {
        var r = CliRunner.Run("bench", "scoring", "--batch", "0,x");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("got '0'", r.Error);
        Assert.Contains("got 'x'", r.Error);

        var flash = CliRunner.Run("bench", "scoring", "--flash-attn", "maybe");
        Assert.Equal(2, flash.ExitCode);
        Assert.Contains("--flash-attn must be auto, on or off, got 'maybe'.", flash.Error);

        var kv = CliRunner.Run("bench", "scoring", "--kv", "shared");
        Assert.Equal(2, kv.ExitCode);
        Assert.Contains("--kv must be auto, unified, split, both or all, got shared.", kv.Error);
    }
}
