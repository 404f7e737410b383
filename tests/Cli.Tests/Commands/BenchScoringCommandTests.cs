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
        Assert.Equal(["unified 1", "unified 4", "split 1", "split 4"], rows.Select(row => $"{row.Split('|')[1].Trim()} {row.Split('|')[2].Trim()}"));
        Assert.All(rows, row => Assert.Equal("4", row.Split('|')[3].Trim())); // 4 answers at each batch size and KV layout
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
        Assert.Contains("--kv must be unified, split or both, got shared.", kv.Error);
    }
}
