namespace BestOfN.Cli.Tests.Commands;

public class BenchScoringCommandTests
{
    [Fact]
    public void Bench_scoring_prints_scored_tokens_per_second_for_each_batch_size()
    {
        var r = CliRunner.Run("bench", "scoring", "--model", CliRunner.TinyModel, "--answers", "4", "--answer-tokens", "16", "--prompt-tokens", "8",
            "--batch", "1,4", "--threads", "2");
        Assert.True(r.ExitCode == 0, r.Error + r.Output);
        Assert.Contains("scored tok/s", r.Output);
        var rows = r.Output.Split('\n').Where(l => l.StartsWith("|     ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, row => Assert.Equal("4", row.Split('|')[2].Trim())); // 4 answers at each batch size
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
    }
}
