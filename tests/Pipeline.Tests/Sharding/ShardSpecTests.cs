using BestOfN.Pipeline.Sharding;
using BestOfN.Problems;

namespace BestOfN.Pipeline.Tests.Sharding;

public sealed class ShardSpecTests
{
    private static readonly string[] GeneratedIds = [.. Enumerable.Range(0, 3000).Select(i => i % 3 == 0 ? $"gsm8k-{i}" : i % 3 == 1 ? $"test/algebra/{i}.json" : $"π-{i}-é")];

    [Fact]
    public void Every_generated_problem_is_in_exactly_one_shard_for_1_to_64_shards() => AssertCoveredOnce(GeneratedIds);

    [RequiresSharedDatasetsFact]
    public void Every_real_gsm8k_and_math500_problem_is_in_exactly_one_shard_for_1_to_64_shards()
    {
        var datasets = RepoPaths.SharedDatasets!;
        var gsm8k = DatasetLoader.Load(DatasetSpec.Parse("gsm8k:" + Path.Combine(datasets, "gsm8k", "test.jsonl")));
        var math500 = DatasetLoader.Load(DatasetSpec.Parse("math:" + Path.Combine(datasets, "math500", "test.jsonl")));
        Assert.Equal(1319, gsm8k.Count);
        Assert.Equal(500, math500.Count);
        AssertCoveredOnce([.. gsm8k.Select(p => p.Id)]);
        AssertCoveredOnce([.. math500.Select(p => p.Id)]);
    }

    private static void AssertCoveredOnce(IReadOnlyList<string> ids)
    {
        Assert.Equal(ids.Count, ids.Distinct().Count());
        for (var count = 1; count <= 64; count++)
        {
            var shards = Enumerable.Range(0, count).Select(i => new ShardSpec(i, count).Select(ids, id => id)).ToList();
            Assert.Equal(ids.Count, shards.Sum(s => s.Count));
            Assert.Equal(ids.Order(StringComparer.Ordinal), shards.SelectMany(s => s).Order(StringComparer.Ordinal));
            foreach (var id in ids) Assert.Single(shards, s => s.Contains(id));
        }
    }

    [Fact]
    public void The_assignment_is_a_pinned_sha256_of_the_id_so_it_is_the_same_in_every_process_and_build()
    {
        // The first 8 bytes of SHA-256 of the UTF-8 id, big-endian, mod 16, computed outside .NET (Python's hashlib): SHA-256("gsm8k-0")
        // starts dcaf4162. string.GetHashCode differs per process and would move problems between the tasks of one job.
        Assert.Equal([6, 15, 0, 6, 0, 14, 13, 8], Enumerable.Range(0, 8).Select(i => ShardSpec.Of($"gsm8k-{i}", 16)));
    }

    [Fact]
    public void Adding_problems_moves_none_of_the_others()
    {
        var before = GeneratedIds[..1000].ToDictionary(id => id, id => ShardSpec.Of(id, 16));
        var grown = new ShardSpec(5, 16).Select(GeneratedIds, id => id);
        Assert.Equal(before.Where(kv => kv.Value == 5).Select(kv => kv.Key), grown.Where(before.ContainsKey));
    }

    [Fact]
    public void Shards_are_about_even()
    {
        var sizes = Enumerable.Range(0, 16).Select(i => new ShardSpec(i, 16).Select(GeneratedIds, id => id).Count).ToList();
        Assert.All(sizes, s => Assert.InRange(s, 3000 / 16 * 0.7, 3000 / 16 * 1.3));
    }

    [Theory]
    [InlineData("runs.db", 3, 16, "runs.shard-003-of-016.db")]
    [InlineData("/data/stores/runs.db", 0, 4, "/data/stores/runs.shard-000-of-004.db")]
    [InlineData("/data/s-{index}-{count}.sqlite", 12, 128, "/data/s-012-128.sqlite")]
    [InlineData("runs.db", 0, 1, "runs.db")]
    public void A_shard_writes_its_own_store(string store, int index, int count, string expected) =>
        Assert.Equal(expected, new ShardSpec(index, count).StorePath(store));

    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void The_option_wins_over_the_environment()
    {
        Assert.Equal(new ShardSpec(2, 4), ShardSpec.Resolve("2/4", null, Env(("SLURM_ARRAY_TASK_ID", "7"), ("SLURM_ARRAY_TASK_COUNT", "16"))));
        Assert.Null(ShardSpec.Resolve(null, null, Env()));
    }

    [Fact]
    public void A_slurm_array_task_is_its_shard()
    {
        Assert.Equal(new ShardSpec(7, 16), ShardSpec.Resolve(null, null, Env(("SLURM_ARRAY_TASK_ID", "7"), ("SLURM_ARRAY_TASK_COUNT", "16"))));
        // --array=4-7: task 6 is the third of four
        Assert.Equal(new ShardSpec(2, 4), ShardSpec.Resolve(null, null, Env(("SLURM_ARRAY_TASK_ID", "6"), ("SLURM_ARRAY_TASK_MIN", "4"), ("SLURM_ARRAY_TASK_MAX", "7"))));
        Assert.Equal(new ShardSpec(2, 4), ShardSpec.Resolve(null, null,
            Env(("SLURM_ARRAY_TASK_ID", "6"), ("SLURM_ARRAY_TASK_COUNT", "4"), ("SLURM_ARRAY_TASK_MIN", "4"), ("SLURM_ARRAY_TASK_MAX", "7"))));
    }

    [Fact]
    public void A_kubernetes_completion_index_needs_the_shard_count()
    {
        Assert.Equal(new ShardSpec(3, 8), ShardSpec.Resolve(null, 8, Env(("JOB_COMPLETION_INDEX", "3"))));
        var e = Assert.Throws<ArgumentException>(() => ShardSpec.Resolve(null, null, Env(("JOB_COMPLETION_INDEX", "3"))));
        Assert.Contains("--shards", e.Message);
    }

    [Theory]
    [InlineData("4/4", "does not exist")]
    [InlineData("1/0", "1 or more")]
    [InlineData("-1/4", "INDEX/COUNT")]
    [InlineData("3", "INDEX/COUNT")]
    [InlineData("a/b", "INDEX/COUNT")]
    public void A_bad_shard_is_one_clear_error(string shard, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => ShardSpec.Resolve(shard, null, Env()));
        Assert.Contains("--shard", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Bad_scheduler_variables_are_named()
    {
        Assert.Contains("SLURM_ARRAY_TASK_ID", Assert.Throws<ArgumentException>(() => ShardSpec.Resolve(null, null, Env(("SLURM_ARRAY_TASK_ID", "x"), ("SLURM_ARRAY_TASK_COUNT", "4")))).Message);
        Assert.Contains("SLURM_ARRAY_TASK_ID", Assert.Throws<ArgumentException>(() => ShardSpec.Resolve(null, null, Env(("SLURM_ARRAY_TASK_ID", "4"), ("SLURM_ARRAY_TASK_COUNT", "4")))).Message);
        Assert.Contains("--shards", Assert.Throws<ArgumentException>(() => ShardSpec.Resolve("1/4", 8, Env())).Message);
    }
}
