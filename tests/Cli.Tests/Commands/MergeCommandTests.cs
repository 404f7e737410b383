using System.Text.Json.Nodes;
using BestOfN.Pipeline.Sharding;
using Microsoft.Data.Sqlite;

namespace BestOfN.Cli.Tests.Commands;

/// <summary>
/// A run of 12 problems drawn once whole and once as 4 shards by 4 bestofn processes running at the same time, each finding its shard
/// another way: --shard, a Slurm array task (COUNT, then MIN/MAX) and a Kubernetes Indexed Job (JOB_COMPLETION_INDEX with --shards).
/// </summary>
public class ShardedRunFixture
{
    private readonly string[] _batching;

    public string Dir { get; } = CliRunner.TempDir();

    public string Data { get; } = CliRunner.Gsm8kFile(12);

    public string WholeStore => Path.Combine(Dir, "whole.db");

    public string ShardStore(int index) => Path.Combine(Dir, $"runs.shard-{index:D3}-of-004.db");

    public IReadOnlyList<string> ShardStores => [.. Enumerable.Range(0, 4).Select(ShardStore)];

    public string[] SampleArgs(string store, params string[] more) => SampleArgs(store, 4, more);

    public string[] SampleArgs(string store, int n, params string[] more) =>
        ["sample", "--model", CliRunner.TinyModel, "--dataset", $"gsm8k:{Data}", "--n", $"{n}", "--parallel", "2", "--max-tokens", "6", "--threads", "1",
            "--temperature", "0.8", "--seed", "7", "--store", store, .. _batching, .. more];

    public ShardedRunFixture()
        : this([])
    {
    }

    /// <param name="batching">Extra sampling options every process gets (the continuous fixture's --batching continuous).</param>
    protected ShardedRunFixture(string[] batching)
    {
        _batching = batching;
        var store = Path.Combine(Dir, "runs.db");
        var launches = new (Dictionary<string, string> Environment, string[] Args)[]
        {
            (new(), SampleArgs(store, "--shard", "0/4")),
            (new() { ["SLURM_ARRAY_TASK_ID"] = "1", ["SLURM_ARRAY_TASK_COUNT"] = "4" }, SampleArgs(store)),
            (new() { ["SLURM_ARRAY_TASK_ID"] = "12", ["SLURM_ARRAY_TASK_MIN"] = "10", ["SLURM_ARRAY_TASK_MAX"] = "13" }, SampleArgs(store)),
            (new() { ["JOB_COMPLETION_INDEX"] = "3" }, SampleArgs(store, "--shards", "4")),
        };
        var children = launches.Select(l => CliRunner.Start(l.Environment, l.Args)).ToList();
        var outputs = children.Select(c => (Output: c.StandardOutput.ReadToEndAsync(), Error: c.StandardError.ReadToEndAsync())).ToList();
        for (var i = 0; i < children.Count; i++)
        {
            children[i].WaitForExit();
            if (children[i].ExitCode != 0) throw new InvalidOperationException($"shard {i} exited {children[i].ExitCode}: {outputs[i].Error.Result}{outputs[i].Output.Result}");
            ShardOutputs.Add(outputs[i].Output.Result);
            children[i].Dispose();
        }
        var whole = CliRunner.Run(SampleArgs(WholeStore));
        if (whole.ExitCode != 0) throw new InvalidOperationException(whole.Error + whole.Output);
        WholeOutput = whole.Output;
    }

    public List<string> ShardOutputs { get; } = [];

    public string WholeOutput { get; }

    /// <summary>The store's export, every field but the wall time each sample took (gen_ms).</summary>
    public string Export(string store)
    {
        var file = Path.Combine(Dir, $"{Guid.NewGuid():N}.jsonl");
        var r = CliRunner.Run("export", "--store", store, "--out", file);
        Assert.True(r.ExitCode == 0, r.Error);
        return string.Join('\n', File.ReadLines(file).Select(line =>
        {
            var sample = JsonNode.Parse(line)!.AsObject();
            Assert.True(sample.Remove("gen_ms"), line);
            return sample.ToJsonString();
        }));
    }

    public string NewPath(string name) => Path.Combine(Dir, $"{Guid.NewGuid():N}-{name}");
}

public sealed class MergeCommandTests(ShardedRunFixture run) : IClassFixture<ShardedRunFixture>
{
    [Fact]
    public void Four_shard_processes_merge_into_the_unsharded_run_sample_for_sample()
    {
        var runId = RunId(run.WholeOutput);
        for (var i = 0; i < 4; i++)
        {
            Assert.Contains($"(shard {i}/4;", run.ShardOutputs[i]);
            Assert.Equal(runId, RunId(run.ShardOutputs[i])); // a shard is the same run
            Assert.True(File.Exists(run.ShardStore(i)), run.ShardOutputs[i]);
        }
        Assert.Equal(12, run.ShardOutputs.Sum(o => int.Parse(o.Split(": ")[1].Split(' ')[0])));

        var merged = run.NewPath("merged.db");
        var r = CliRunner.Run(["merge", merged, .. run.ShardStores]);
        Assert.True(r.ExitCode == 0, r.Error + r.Output);
        Assert.Contains($"run {runId}: 12 of 12 problems × 4 samples, 48 samples stored", r.Output);
        Assert.Contains("complete", r.Output);
        var whole = run.Export(run.WholeStore);
        Assert.Equal(48, whole.Split('\n').Length);
        Assert.Equal(whole, run.Export(merged));
    }

    [Fact]
    public void Merging_a_merged_store_with_more_shards_gives_the_store_all_of_them_give()
    {
        var first = run.NewPath("m01.db");
        Assert.Equal(1, CliRunner.Run("merge", first, run.ShardStore(0), run.ShardStore(1)).ExitCode); // incomplete: refused
        Assert.False(File.Exists(first));
        Assert.Equal(0, CliRunner.Run("merge", first, run.ShardStore(0), run.ShardStore(1), "--allow-partial").ExitCode);
        var all = run.NewPath("all.db");
        var r = CliRunner.Run("merge", all, first, run.ShardStore(2), run.ShardStore(3), run.ShardStore(0));
        Assert.True(r.ExitCode == 0, r.Error + r.Output);
        Assert.Contains("(shard 0/4, 1/4)", r.Output);
        var again = run.NewPath("again.db");
        Assert.Equal(0, CliRunner.Run("merge", again, all, all, run.ShardStore(3)).ExitCode);
        var whole = run.Export(run.WholeStore);
        Assert.Equal(whole, run.Export(all));
        Assert.Equal(whole, run.Export(again));
    }

    [Fact]
    public void A_missing_shard_is_named_with_its_problems_and_nothing_is_written_without_allow_partial()
    {
        var merged = run.NewPath("partial.db");
        var r = CliRunner.Run("merge", merged, run.ShardStore(0), run.ShardStore(1), run.ShardStore(3));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("missing shards: 2/4", r.Output);
        var shard2Problems = ProblemIds(run.ShardStore(2));
        Assert.NotEmpty(shard2Problems);
        Assert.Contains($"missing problems ({shard2Problems.Count}): {string.Join(", ", shard2Problems)}", r.Output);
        Assert.Contains("nothing was written", r.Error);
        Assert.False(File.Exists(merged));

        var partial = CliRunner.Run("merge", merged, run.ShardStore(0), run.ShardStore(1), run.ShardStore(3), "--allow-partial");
        Assert.Equal(0, partial.ExitCode);
        Assert.Contains("incomplete (--allow-partial)", partial.Output);
        Assert.Equal(12 - shard2Problems.Count, ProblemIds(merged).Count);
    }

    [Fact]
    public void Missing_sample_indices_are_listed_per_problem()
    {
        // Shard 2 drawn again with --n 2 only: its problems lack indices 2 and 3 of the run's 4.
        var store = run.NewPath("runs.db");
        var r = CliRunner.Run(run.SampleArgs(store, 2, "--shard", "2/4"));
        Assert.True(r.ExitCode == 0, r.Error + r.Output);
        var shortShard = new ShardSpec(2, 4).StorePath(store);
        var merged = run.NewPath("short.db");
        var m = CliRunner.Run("merge", merged, run.ShardStore(0), run.ShardStore(1), shortShard, run.ShardStore(3));
        Assert.Equal(1, m.ExitCode);
        var problems = ProblemIds(shortShard);
        Assert.Contains($"missing samples: {2 * problems.Count} in {problems.Count} problems", m.Output);
        Assert.Contains($"    {problems[0]}: indices 2-3", m.Output);
    }

    [Fact]
    public void A_conflicting_sample_is_an_error_naming_the_run_problem_and_index()
    {
        var changed = run.NewPath("changed.db");
        File.Copy(run.ShardStore(1), changed);
        var problem = ProblemIds(changed)[0];
        using (var connection = new SqliteConnection($"Data Source={changed};Pooling=False"))
        {
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "UPDATE samples SET text = text || 'x' WHERE problem_id = $p AND sample_index = 3";
            cmd.Parameters.AddWithValue("$p", problem);
            Assert.Equal(1, cmd.ExecuteNonQuery());
        }
        var merged = run.NewPath("conflict.db");
        var r = CliRunner.Run("merge", merged, run.ShardStore(0), run.ShardStore(1), changed);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"error: Run {RunId(run.WholeOutput)}: sample 3 of problem {problem} in {changed} differs", r.Error);
        Assert.False(File.Exists(merged));
        Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        // An identical duplicate is no conflict.
        var identical = run.NewPath("identical.db");
        File.Copy(run.ShardStore(1), identical);
        Assert.Equal(0, CliRunner.Run(["merge", run.NewPath("dup.db"), identical, .. run.ShardStores]).ExitCode);
    }

    [Fact]
    public void Shards_sampled_with_other_settings_are_not_one_run()
    {
        var changed = run.NewPath("settings.db");
        File.Copy(run.ShardStore(2), changed);
        using (var connection = new SqliteConnection($"Data Source={changed};Pooling=False"))
        {
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "UPDATE run_settings SET settings_json = replace(settings_json, '\"parallel\":\"2\"', '\"parallel\":\"4\"')";
            Assert.Equal(1, cmd.ExecuteNonQuery());
        }
        var r = CliRunner.Run("merge", run.NewPath("x.db"), run.ShardStore(0), changed);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"Run {RunId(run.WholeOutput)} is not the same run in", r.Error);
        Assert.Contains("sampling settings", r.Error);
    }

    [Fact]
    public void Merge_never_writes_over_an_input()
    {
        var copy = run.NewPath("in.db");
        File.Copy(run.ShardStore(0), copy);
        var before = File.ReadAllBytes(copy);
        var r = CliRunner.Run("merge", copy, copy, run.ShardStore(1));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("is a file this command reads", r.Error);
        Assert.Equal(before, File.ReadAllBytes(copy));
    }

    private static string RunId(string output) => output.Split(' ')[1];

    private static List<string> ProblemIds(string store)
    {
        using var connection = new SqliteConnection($"Data Source={store};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT problem_id FROM problems ORDER BY position";
        using var r = cmd.ExecuteReader();
        var ids = new List<string>();
        while (r.Read()) ids.Add(r.GetString(0));
        return ids;
    }
}

/// <summary>The same 12-problem run as <see cref="ShardedRunFixture"/>, every process sampling with continuous batching.</summary>
public sealed class ContinuousShardedRunFixture() : ShardedRunFixture(["--batching", "continuous"]);

/// <summary>
/// Continuous batching makes a sample's bits depend on its batch neighbours, which differ between a shard and the whole run; what
/// must hold is which samples a merged run has: every (problem, index, seed) of the whole run, once.
/// </summary>
public sealed class ContinuousMergeCommandTests(ContinuousShardedRunFixture run) : IClassFixture<ContinuousShardedRunFixture>
{
    [Fact]
    public void Four_continuous_shards_merge_into_the_sample_set_of_the_unsharded_run()
    {
        var merged = run.NewPath("merged.db");
        var r = CliRunner.Run(["merge", merged, .. run.ShardStores]);
        Assert.True(r.ExitCode == 0, r.Error + r.Output);
        Assert.Contains("12 of 12 problems × 4 samples, 48 samples stored", r.Output);
        var whole = Keys(run.Export(run.WholeStore));
        var shards = Keys(run.Export(merged));
        Assert.Equal(48, whole.Count);
        Assert.Equal(48, shards.Count);
        Assert.Equal(48, shards.Distinct().Count());
        Assert.Equal(whole.ToHashSet(), shards.ToHashSet());
        Assert.Equal(12, whole.Select(k => k.Problem).Distinct().Count());
    }

    private static List<(string Problem, int Index, long Seed)> Keys(string export) =>
    [
        .. export.Split('\n').Select(line => JsonNode.Parse(line)!)
            .Select(s => (s["problem_id"]!.GetValue<string>(), s["sample_index"]!.GetValue<int>(), s["seed"]!.GetValue<long>())),
    ];
}
