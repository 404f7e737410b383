using BestOfN.Pipeline.Nightly;
using BestOfN.Store;

namespace BestOfN.Cli.Tests.Reliability;

/// <summary>SIGTERM sent to a real `bestofn nightly --once` mid-sampling (frozen with SIGSTOP once a wave is stored, as in <see cref="SignalTests"/>).</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class NightlySignalTests
{
    [Fact]
    public void Sigterm_during_a_nightly_run_stores_the_work_done_and_the_next_run_resumes_the_item()
    {
        var folder = CliRunner.TempDir();
        File.Copy(CliRunner.Gsm8kFile(4), Path.Combine(folder, "gsm8k.jsonl"));
        Directory.CreateDirectory(Path.Combine(folder, "checkpoints"));
        var checkpoint = Path.Combine(folder, "checkpoints", "step100.gguf");
        File.Copy(CliRunner.TinyModel, checkpoint);
        File.SetLastWriteTimeUtc(checkpoint, DateTime.UtcNow.AddHours(-1));
        var config = Path.Combine(folder, "nightly.yaml");
        File.WriteAllText(config, """
            schedule: "0 2 * * *"
            store: nightly.db
            datasets: { gsm8k: { spec: "gsm8k:gsm8k.jsonl" } }
            watch:
              checkpoints: { folder: checkpoints/, dataset: gsm8k, n: 4, parallel: 2, max_tokens: 48, temperature: 1.0, prompt: raw, threads: 2 }
            """);
        var store = Path.Combine(folder, "nightly.db");

        int code;
        using (var child = new RunningChild(["nightly", "--config", config, "--once"]))
        {
            var deadline = DateTime.UtcNow.AddMinutes(3);
            while (ChildRuns.CountOrZero(store) < 2 && !child.HasExited && DateTime.UtcNow < deadline) Thread.Sleep(10);
            child.Signal(RunningChild.SigStop);
            Assert.False(child.HasExited, $"the run ended before it could be signalled; make it longer.\n{child.Error}");
            child.Signal(RunningChild.SigTerm);
            child.Signal(RunningChild.SigCont);
            code = child.WaitForExit();
            Assert.True(code == 130, $"exit {code}\n{child.Output}\n{child.Error}");
        }
        var stopped = NightlyHistory.Read(config).Single();
        var resumed = CliRunner.Run("nightly", "--config", config, "--once");

        Assert.Equal(NightlyStatus.Interrupted, stopped.Status);
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        var done = NightlyHistory.Read(config).Last();
        Assert.Equal((NightlyStatus.Succeeded, 2, "step100.gguf"), (done.Status, done.Attempt, done.Item));
        Assert.Equal(16, ChildCli.Count(store, "SELECT COUNT(*) FROM samples"));
        Assert.Equal(16, ChildCli.Count(store, "SELECT COUNT(DISTINCT problem_id || '#' || sample_index) FROM samples"));
    }
}
