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

        var parallel = ChildCli.Run(Args(store, data, 4, 1));
        var threads = ChildCli.Run([.. Args(store, data, 4, 2)[..^2], "--threads", "1"]);

        Assert.Equal((2, 2), (parallel.ExitCode, threads.ExitCode));
        Assert.Contains("parallel 2 (now 1)", ChildCli.OnlyErrorLine(parallel));
        Assert.Contains("--parallel 2 --threads 2", parallel.Error);
        Assert.Contains("threads 2 (now 1)", ChildCli.OnlyErrorLine(threads));
        Assert.Equal(4, ChildRuns.Texts(store).Count); // nothing was added
        Assert.Equal(0, CliRunner.Run([.. Args(store, data, 4, 1), "--run", "other-run"]).ExitCode); // a new --run may differ
    }

    [Fact]
    public void A_run_sampled_in_waves_does_not_resume_in_continuous_batching_nor_the_reverse()
    {
        var dir = CliRunner.TempDir();
        var waves = Path.Combine(dir, "waves.db");
        var continuous = Path.Combine(dir, "continuous.db");
        var data = CliRunner.Gsm8kFile(2);
        Assert.Equal(0, CliRunner.Run(Args(waves, data, 2, 2)).ExitCode); // waves is the default
        Assert.Equal(0, CliRunner.Run(Args(continuous, data, 2, 2, "--batching", "continuous")).ExitCode);

        var intoWaves = ChildCli.Run(Args(waves, data, 4, 2, "--batching", "continuous"));
        var intoContinuous = ChildCli.Run(Args(continuous, data, 4, 2, "--batching", "waves"));

        Assert.Equal((2, 2), (intoWaves.ExitCode, intoContinuous.ExitCode));
        Assert.Contains("batching waves (now continuous)", ChildCli.OnlyErrorLine(intoWaves));
        Assert.Contains("--batching waves --parallel 2", intoWaves.Error);
        Assert.Contains("batching continuous (now waves)", ChildCli.OnlyErrorLine(intoContinuous));
        Assert.Equal(4, ChildRuns.Texts(waves).Count); // nothing was added
        Assert.Equal(4, ChildRuns.Texts(continuous).Count);
        Assert.Equal(0, CliRunner.Run(Args(continuous, data, 4, 2, "--batching", "continuous")).ExitCode); // the same mode resumes
        Assert.Equal(8, ChildRuns.Texts(continuous).Count);
    }

    [Fact]
    public void Growing_n_draws_the_same_waves_as_a_fresh_run()
    {
        var dir = CliRunner.TempDir();
        var data = CliRunner.Gsm8kFile(3);
        var grown = Path.Combine(dir, "grown.db");
        var fresh = Path.Combine(dir, "fresh.db");

        Assert.Equal(0, CliRunner.Run(Args(grown, data, 5, 4)).ExitCode); // waves {0-3} and {4}, the second cut short by N
        var extended = ChildCli.Run(Args(grown, data, 8, 4));
        Assert.Equal(0, CliRunner.Run(Args(fresh, data, 8, 4)).ExitCode); // waves {0-3} and {4-7}

        Assert.Contains("12 samples drawn, 12 already stored", extended.Output); // per problem: wave {4-7} drawn whole, {0-3} kept
        Assert.Equal(ChildRuns.Texts(fresh), ChildRuns.Texts(grown));
    }

    /// <summary>The first process is frozen (SIGSTOP) between two waves while the second tries, so it is surely still running.</summary>
    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void A_second_process_sampling_the_same_run_is_refused_while_the_first_runs_and_adds_nothing()
    {
        var dir = CliRunner.TempDir();
        var store = Path.Combine(dir, "runs.db");
        var data = CliRunner.Gsm8kFile(4);
        string[] args = ["sample", "--model", CliRunner.TinyModel, "--dataset", $"gsm8k:{data}", "--n", "4", "--parallel", "2", "--max-tokens", "48",
            "--temperature", "1.0", "--store", store, "--prompt", "Raw", "--threads", "2"];
        CliRunner.Result second;
        int firstExit;
        string firstOutput;
        using (var first = new RunningChild(args))
        {
            var deadline = DateTime.UtcNow.AddMinutes(3);
            while (ChildRuns.CountOrZero(store) < 2 && !first.HasExited && DateTime.UtcNow < deadline) Thread.Sleep(10);
            first.Signal(RunningChild.SigStop);
            Assert.False(first.HasExited, $"the first run finished too early; make it longer.\n{first.Error}");
            try
            {
                second = ChildCli.Run(args);
            }
            finally
            {
                first.Signal(RunningChild.SigCont);
            }
            firstExit = first.WaitForExit();
            firstOutput = first.Output;
        }

        Assert.Equal(2, second.ExitCode);
        var line = ChildCli.OnlyErrorLine(second);
        Assert.Matches($@"^error: Run run-[0-9a-f]+ in {System.Text.RegularExpressions.Regex.Escape(store)} is being sampled by another process right now \(it holds .+\.lock\); wait for it to finish, then rerun to resume\.$", line);
        Assert.Equal(0, firstExit);
        Assert.Contains("16 samples drawn, 0 already stored", firstOutput); // the first drew every sample itself
        var texts = ChildRuns.Texts(store);
        Assert.Equal(16, texts.Count);
        Assert.Equal(16, texts.Select(t => t[..t.IndexOf(':', StringComparison.Ordinal)]).Distinct().Count());
    }

    [Fact]
    public void A_jsonl_out_file_that_is_not_ours_is_refused_and_left_as_it_was()
    {
        var dir = CliRunner.TempDir();
        var notes = Path.Combine(dir, "notes.txt");
        File.WriteAllText(notes, "my notes, no newline at the end");

        var r = ChildCli.Run(["sample", "--model", CliRunner.TinyModel, "--dataset", $"gsm8k:{CliRunner.Gsm8kFile(1)}", "--n", "1", "--out", notes, "--prompt", "Raw"]);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"{notes}:1:", ChildCli.OnlyErrorLine(r));
        Assert.Equal("my notes, no newline at the end", File.ReadAllText(notes));
    }
}
