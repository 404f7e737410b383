using BestOfN.Pipeline.Merging;
using BestOfN.Store;

namespace BestOfN.Pipeline.Tests.Merging;

/// <summary>The merge's checks and coverage on real SQLite stores written through the store's API (the CLI tests merge stores that sample wrote).</summary>
public sealed class MergeStoresTests
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bestofn-merge").FullName;

    /// <summary>A store holding shard <paramref name="index"/> of run r over p0…p5, with samples 0…<paramref name="samples"/>-1 of each of its problems.</summary>
    private string Shard(int index, int count, IEnumerable<string> problems, int samples = 2, int? n = 2, string config = "{}")
    {
        var path = Path.Combine(_folder, $"{Guid.NewGuid():N}.db");
        using var store = RunStore.Open(path);
        store.EnsureRun(new RunInfo("r", "sample", "d", null, "abc", config, DateTimeOffset.UnixEpoch));
        var ids = problems.ToList();
        store.SaveProblems(ids.Select(p => new StoredProblem("r", p, int.Parse(p[1..]), "q", "1", new Dictionary<string, string>(), null, null)));
        store.SaveSamples(ids.SelectMany(p => Enumerable.Range(0, samples).Select(i => new StoredSample("r", p, i, i, $"{p} {i}", 1, "eos", null, 0, null))));
        store.SaveShard(new ShardRecord("r", index, count, n, [.. Enumerable.Range(0, 6).Select(i => $"p{i}")]));
        return path;
    }

    private string Out => Path.Combine(_folder, "merged.db");

    [Fact]
    public void Coverage_names_missing_problems_and_the_indices_below_the_recorded_n()
    {
        var result = MergeStores.Run(new MergeRequest(Out, [Shard(0, 3, ["p0", "p3"]), Shard(1, 3, ["p1", "p4"], samples: 1)]));
        var run = Assert.Single(result.Runs);
        Assert.False(result.Complete);
        Assert.False(result.Written);
        Assert.False(File.Exists(Out));
        Assert.Equal(["p2", "p5"], run.MissingProblems);
        Assert.Equal(["2/3"], run.MissingShards);
        Assert.Equal([("p1", new[] { 1 }), ("p4", new[] { 1 })], run.MissingSamples.Select(m => (m.ProblemId, m.Indices.ToArray())));
        Assert.Equal(6, run.ExpectedProblems);
        Assert.Empty(Directory.GetFiles(_folder, ".merged.db*")); // no temporary file is left
    }

    [Fact]
    public void With_allow_partial_the_incomplete_store_is_written()
    {
        var result = MergeStores.Run(new MergeRequest(Out, [Shard(0, 3, ["p0", "p3"])]) { AllowPartial = true });
        Assert.True(result.Written);
        using var merged = RunStore.OpenReadOnly(Out);
        Assert.Equal(["p0", "p3"], merged.ProblemIds("r"));
        Assert.False(File.Exists(Out + "-wal")); // the file alone is the whole store
    }

    [Fact]
    public void Stores_of_two_configurations_under_one_run_id_are_refused()
    {
        var e = Assert.Throws<InvalidDataException>(() => MergeStores.Run(new MergeRequest(Out, [Shard(0, 2, ["p0"]), Shard(1, 2, ["p1"], config: "{\"seed\":2}")])));
        Assert.Contains("Run r is not the same run", e.Message);
        Assert.Contains("configuration", e.Message);
        Assert.False(File.Exists(Out));
    }

    [Fact]
    public void Problem_sets_that_overlap_without_nesting_are_refused_and_nested_ones_merge()
    {
        var e = Assert.Throws<InvalidDataException>(() => MergeStores.Run(new MergeRequest(Out, [Shard(0, 2, ["p0", "p1"]), Shard(0, 3, ["p1", "p2"])])));
        Assert.Contains("share some problems (e.g. p1)", e.Message);

        var whole = Shard(0, 1, ["p0", "p1", "p2", "p3", "p4", "p5"]);
        var result = MergeStores.Run(new MergeRequest(Out, [whole, Shard(0, 2, ["p0", "p1"])]));
        Assert.True(result.Complete);
        Assert.Equal(12, Assert.Single(result.Runs).Samples);
    }
}
