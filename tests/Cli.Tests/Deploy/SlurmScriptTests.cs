using System.Text.RegularExpressions;
using BestOfN.Cli.Tests.Commands;

namespace BestOfN.Cli.Tests.Deploy;

/// <summary>
/// deploy/slurm's scripts give the unsharded run sample for sample, with the tests' bestofn (BESTOFN="dotnet …/bestofn.dll", no
/// rebuild): on the one-node Slurm cluster of deploy/slurm/single-node.sh through submit.sh (4 array tasks, then the merge job), and,
/// where no cluster answers, by bash with the variables Slurm would set, by hand (4 tasks at once, then the merge script).
/// </summary>
public sealed partial class SlurmScriptTests(ShardedRunFixture run) : IClassFixture<ShardedRunFixture>
{
    private static readonly string SlurmFolder = Path.Combine(RepoPaths.Root, "deploy", "slurm");

    private static readonly TimeSpan ClusterDeadline = TimeSpan.FromMinutes(15);

    [Fact]
    public void The_array_script_on_four_tasks_then_the_merge_script_give_the_unsharded_run()
    {
        var shared = Path.Combine(run.Dir, "shared-" + Guid.NewGuid().ToString("N"));
        var common = new Dictionary<string, string>(Settings(shared))
        {
            ["SLURM_CPUS_PER_TASK"] = "1",
            ["SLURM_ARRAY_TASK_COUNT"] = "4",
            ["SLURM_ARRAY_TASK_MIN"] = "0",
            ["SLURM_ARRAY_TASK_MAX"] = "3",
        };
        var tasks = Enumerable.Range(0, 4)
            .Select(i => Bash("sample-array.sbatch", new Dictionary<string, string>(common) { ["SLURM_ARRAY_TASK_ID"] = $"{i}" })).ToList();
        foreach (var task in tasks)
        {
            var (code, output) = Shell.Finish(task);
            Assert.True(code == 0, output);
        }
        Assert.Equal(4, Directory.GetFiles(Path.Combine(shared, "stores"), "runs.shard-*-of-004.db").Length);

        var (mergeCode, mergeOutput) = Shell.Finish(Bash("merge.sbatch", new Dictionary<string, string>(common) { ["BESTOFN_SHARDS"] = "4" }));
        Assert.True(mergeCode == 0, mergeOutput);
        Assert.Contains("12 of 12 problems × 4 samples, 48 samples stored", mergeOutput);
        Assert.Equal(run.Export(run.WholeStore), run.Export(Path.Combine(shared, "stores", "runs.db")));
    }

    [RequiresSlurmClusterFact]
    public void On_a_slurm_cluster_submit_sh_runs_four_array_tasks_then_the_merge_job_giving_the_unsharded_run()
    {
        var shared = Path.Combine(run.Dir, "cluster-" + Guid.NewGuid().ToString("N"));
        var logs = Directory.CreateDirectory(Path.Combine(shared, "logs")).FullName; // sbatch's working directory: the jobs' logs land here
        var environment = new Dictionary<string, string>(Settings(shared)) { ["SLURM_CONF"] = SlurmCluster.Conf! };
        // The test cluster has no GPU and few CPUs: command-line options override the scripts' #SBATCH lines. One CPU per task, as the
        // unsharded run's --threads 1 (SLURM_CPUS_PER_TASK becomes the script's --threads).
        var (code, output) = Shell.Finish(Shell.StartIn(logs, environment, "bash", Path.Combine(SlurmFolder, "submit.sh"), "4",
            "--gres=none", "--cpus-per-task=1", "--mem=1G", "--time=00:30:00"));
        Assert.True(code == 0, output);
        var ids = SubmittedJobs().Match(output);
        Assert.True(ids.Success, output);
        var (array, merge) = (ids.Groups[1].Value, ids.Groups[2].Value);

        var jobs = WaitForJobs(environment, array, merge);
        var report = $"{string.Join('\n', jobs)}\n{JobLogs(logs)}";
        Assert.Equal(new[] { "0", "1", "2", "3", merge }.Order(), jobs.Select(j => j.Task).Order());
        Assert.True(jobs.All(j => j is { State: "COMPLETED", ExitCode: "0:0" }), report);
        Assert.Contains("12 of 12 problems × 4 samples, 48 samples stored", File.ReadAllText(Path.Combine(logs, $"bestofn-merge-{merge}.log")));
        Assert.Equal(4, Directory.GetFiles(Path.Combine(shared, "stores"), "runs.shard-*-of-004.db").Length);
        Assert.Equal(run.Export(run.WholeStore), run.Export(Path.Combine(shared, "stores", "runs.db")));
    }

    [Fact]
    public void The_merge_script_without_shard_stores_says_so()
    {
        var shared = Path.Combine(run.Dir, "empty-" + Guid.NewGuid().ToString("N"));
        var (code, output) = Shell.Finish(Bash("merge.sbatch", new Dictionary<string, string> { ["BESTOFN_SHARED"] = shared, ["BESTOFN_SHARDS"] = "4" }));
        Assert.Equal(2, code);
        Assert.Contains("no shard stores", output);
    }

    /// <summary>The scripts' BESTOFN_* settings for the fixture's run: 12 problems, N = 4, the tiny model, the tests' bestofn.</summary>
    private Dictionary<string, string> Settings(string shared) => new()
    {
        ["BESTOFN_SHARED"] = shared,
        ["BESTOFN"] = $"dotnet {Path.Combine(AppContext.BaseDirectory, "bestofn.dll")}",
        ["BESTOFN_MODEL"] = CliRunner.TinyModel,
        ["BESTOFN_DATASET"] = $"gsm8k:{run.Data}",
        ["BESTOFN_N"] = "4",
        ["BESTOFN_PARALLEL"] = "2",
        ["BESTOFN_EXTRA_ARGS"] = "--max-tokens 6 --temperature 0.8 --seed 7",
        ["BESTOFN_NATIVE_CACHE"] = Llama.Native.NativePackages.CacheRoot(), // the natives this build fetched, not the script's shared default
    };

    private sealed record Job(string Task, string State, string ExitCode);

    private static readonly string[] Finished = ["COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL", "PREEMPTED", "BOOT_FAIL", "DEADLINE"];

    /// <summary>Polls scontrol (the test cluster keeps finished jobs for 10 minutes; it has no accounting) until every job finished.</summary>
    private static List<Job> WaitForJobs(IReadOnlyDictionary<string, string> environment, string array, string merge)
    {
        var deadline = DateTime.UtcNow + ClusterDeadline;
        while (true)
        {
            var jobs = Jobs(environment, array).Concat(Jobs(environment, merge)).ToList();
            if (jobs.All(j => Finished.Contains(j.State))) return jobs;
            if (DateTime.UtcNow > deadline)
            {
                Shell.Run(environment, "scancel", array, merge);
                Assert.Fail($"the jobs had not finished after {ClusterDeadline.TotalMinutes} minutes: {string.Join(", ", jobs)}");
            }
            Thread.Sleep(TimeSpan.FromSeconds(2));
        }
    }

    private static IEnumerable<Job> Jobs(IReadOnlyDictionary<string, string> environment, string id)
    {
        var (code, output) = Shell.Run(environment, "scontrol", "-o", "show", "job", id);
        Assert.True(code == 0, output);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => new Job(
            Field(line, "ArrayTaskId") ?? Field(line, "JobId")!, Field(line, "JobState")!, Field(line, "ExitCode")!));
    }

    private static string? Field(string line, string name) =>
        Regex.Match(line, $@"(?:^|\s){name}=(\S+)") is { Success: true } m ? m.Groups[1].Value : null;

    private static string JobLogs(string folder) =>
        string.Join('\n', Directory.GetFiles(folder, "*.log").Order().Select(f => $"== {Path.GetFileName(f)}\n{File.ReadAllText(f)}"));

    [GeneratedRegex(@"sample array: job (\d+) .*merge: job (\d+)")]
    private static partial Regex SubmittedJobs();

    private static System.Diagnostics.Process Bash(string script, IReadOnlyDictionary<string, string> environment) =>
        Shell.Start(environment, "bash", Path.Combine(SlurmFolder, script));
}
