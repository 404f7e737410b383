using System.Diagnostics;
using BestOfN.Cli.Tests.Commands;

namespace BestOfN.Cli.Tests.Deploy;

/// <summary>
/// deploy/slurm's scripts run by bash with the variables Slurm would set, by hand: no slurmd here (a single-node Slurm test is not
/// part of this suite). Four array tasks at once, then the merge job, give the unsharded run sample for sample.
/// </summary>
public sealed class SlurmScriptTests(ShardedRunFixture run) : IClassFixture<ShardedRunFixture>
{
    private static readonly string SlurmFolder = Path.Combine(RepoPaths.Root, "deploy", "slurm");

    [Fact]
    public void The_array_script_on_four_tasks_then_the_merge_script_give_the_unsharded_run()
    {
        var shared = Path.Combine(run.Dir, "shared-" + Guid.NewGuid().ToString("N"));
        var common = new Dictionary<string, string>
        {
            ["BESTOFN_SHARED"] = shared,
            ["BESTOFN"] = $"dotnet {Path.Combine(AppContext.BaseDirectory, "bestofn.dll")}",
            ["BESTOFN_MODEL"] = CliRunner.TinyModel,
            ["BESTOFN_DATASET"] = $"gsm8k:{run.Data}",
            ["BESTOFN_N"] = "4",
            ["BESTOFN_PARALLEL"] = "2",
            ["BESTOFN_EXTRA_ARGS"] = "--max-tokens 6 --temperature 0.8 --seed 7",
            ["BESTOFN_NATIVE_CACHE"] = Llama.Native.NativePackages.CacheRoot(), // the natives this build fetched, not the script's shared default
            ["SLURM_CPUS_PER_TASK"] = "1",
            ["SLURM_ARRAY_TASK_COUNT"] = "4",
            ["SLURM_ARRAY_TASK_MIN"] = "0",
            ["SLURM_ARRAY_TASK_MAX"] = "3",
        };
        var tasks = Enumerable.Range(0, 4)
            .Select(i => Bash("sample-array.sbatch", new Dictionary<string, string>(common) { ["SLURM_ARRAY_TASK_ID"] = $"{i}" })).ToList();
        foreach (var task in tasks)
        {
            var (code, output) = Finish(task);
            Assert.True(code == 0, output);
        }
        Assert.Equal(4, Directory.GetFiles(Path.Combine(shared, "stores"), "runs.shard-*-of-004.db").Length);

        var (mergeCode, mergeOutput) = Finish(Bash("merge.sbatch", new Dictionary<string, string>(common) { ["BESTOFN_SHARDS"] = "4" }));
        Assert.True(mergeCode == 0, mergeOutput);
        Assert.Contains("12 of 12 problems × 4 samples, 48 samples stored", mergeOutput);
        Assert.Equal(run.Export(run.WholeStore), run.Export(Path.Combine(shared, "stores", "runs.db")));
    }

    [Fact]
    public void The_merge_script_without_shard_stores_says_so()
    {
        var shared = Path.Combine(run.Dir, "empty-" + Guid.NewGuid().ToString("N"));
        var (code, output) = Finish(Bash("merge.sbatch", new Dictionary<string, string> { ["BESTOFN_SHARED"] = shared, ["BESTOFN_SHARDS"] = "4" }));
        Assert.Equal(2, code);
        Assert.Contains("no shard stores", output);
    }

    private static Process Bash(string script, IReadOnlyDictionary<string, string> environment)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(SlurmFolder, script));
        foreach (var (name, value) in environment) psi.Environment[name] = value;
        return Process.Start(psi)!;
    }

    private static (int Code, string Output) Finish(Process process)
    {
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            return (process.ExitCode, output.Result + error.Result);
        }
    }
}
