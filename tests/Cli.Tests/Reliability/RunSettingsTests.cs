namespace BestOfN.Cli.Tests.Reliability;

/// <summary>A run never mixes samples drawn with different bit-changing settings, and growing N gives what a fresh run gives.</summary>
public class RunSettingsTests
{
    private static string[] Args(string store, string data, int n, int parallel, params string[] more) =>
        ["sample", "--model", CliRunner.TinyModel, "--dataset", $"gsm8k:{data}", "--n", n.ToString(), "--parallel", parallel.ToString(),
         "--max-tokens", "12", "--temperature", "1.0", "--store", store, "--prompt", "Raw", "--threads", "2", .. more];

    [Fact]
    public void Resuming_with_another_parallelism_or_thread_count_is_refused_naming_the_setting()
    {
        var dir = CliRunner.TempDir();
        var store = Path.Combine(dir, "runs.db");
        var data = CliRunner.Gsm8kFile(2);
        Assert.Equal(0, CliRunner.Run(Args(store, data, 2, 2)).ExitCode);

        var parallel = CliRunner.Run(Args(store, data, 4, 1));
        var threads = CliRunner.Run([.. Args(store, data, 4, 2)[..^2], "--threads", "1"]);

        Assert.Equal((2, 2), (parallel.ExitCode, threads.ExitCode));
        Assert.Contains("parallel 2 (now 1)", parallel.Error);
        Assert.Contains("--parallel 2 --threads 2", parallel.Error);
        Assert.Contains("threads 2 (now 1)", threads.Error);
        Assert.Equal(4, ChildRuns.Texts(store).Count); // nothing was added
        Assert.Equal(0, CliRunner.Run([.. Args(store, data, 4, 1), "--run", "other-run"]).ExitCode); // a new --run may differ
    }

    [Fact]
    public void Growing_n_draws_the_same_waves_as_a_fresh_run()
    {
        var dir = CliRunner.TempDir();
        var data = CliRunner.Gsm8kFile(3);
        var grown = Path.Combine(dir, "grown.db");
        var fresh = Path.Combine(dir, "fresh.db");

        Assert.Equal(0, CliRunner.Run(Args(grown, data, 5, 4)).ExitCode); // waves {0-3} and {4}, the second cut short by N
        var extended = CliRunner.Run(Args(grown, data, 8, 4));
        Assert.Equal(0, CliRunner.Run(Args(fresh, data, 8, 4)).ExitCode); // waves {0-3} and {4-7}

        Assert.Contains("12 samples drawn, 12 already stored", extended.Output); // per problem: wave {4-7} drawn whole, {0-3} kept
        Assert.Equal(ChildRuns.Texts(fresh), ChildRuns.Texts(grown));
    }

    [Fact]
    public void A_second_process_sampling_the_same_run_is_refused_while_the_first_runs()
    {
        var dir = CliRunner.TempDir();
        var store = Path.Combine(dir, "runs.db");
        var data = CliRunner.Gsm8kFile(6);
        string[] args = ["sample", "--model", CliRunner.TinyModel, "--dataset", $"gsm8k:{data}", "--n", "4", "--parallel", "2", "--max-tokens", "200",
            "--temperature", "1.0", "--store", store, "--prompt", "Raw", "--threads", "2"];
        using var first = CliRunner.Start(args);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (ChildRuns.CountOrZero(store) < 2 && !first.HasExited && DateTime.UtcNow < deadline) Thread.Sleep(10);
            Assert.False(first.HasExited, "the first run finished too early; make it longer");

            var second = CliRunner.Run(args);

            Assert.Equal(2, second.ExitCode);
            Assert.Contains("is being sampled by another process", second.Error);
        }
        finally
        {
            first.Kill(entireProcessTree: true);
            first.WaitForExit();
        }
    }

    [Fact]
    public void A_jsonl_out_file_that_is_not_ours_is_refused_and_left_as_it_was()
    {
        var dir = CliRunner.TempDir();
        var notes = Path.Combine(dir, "notes.txt");
        File.WriteAllText(notes, "my notes, no newline at the end");

        var r = CliRunner.Run(["sample", "--model", CliRunner.TinyModel, "--dataset", $"gsm8k:{CliRunner.Gsm8kFile(1)}", "--n", "1", "--out", notes, "--prompt", "Raw"]);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"{notes}:1:", r.Error);
        Assert.Equal("my notes, no newline at the end", File.ReadAllText(notes));
    }
}
