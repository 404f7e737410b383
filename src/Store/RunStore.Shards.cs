using System.Text.Json;

namespace BestOfN.Store;

/// <summary>One shard of a run a store holds: which of how many, and every problem id of the whole run (so a merge can name the missing ones).</summary>
/// <param name="SamplesPerProblem">The largest N the shard was asked to sample (null for an import, whose problems ship their own).</param>
public sealed record ShardRecord(string RunId, int Index, int Count, int? SamplesPerProblem, IReadOnlyList<string> RunProblemIds);

/// <summary>The shards a store's runs were drawn in; a merged store holds the records of every shard merged into it.</summary>
public sealed partial class RunStore
{
    private bool _shardTableReady;

    private bool EnsureShardTable() => EnsureTables(ref _shardTableReady, """
        CREATE TABLE IF NOT EXISTS run_shards(
            run_id TEXT NOT NULL REFERENCES runs(run_id), shard_index INTEGER NOT NULL, shard_count INTEGER NOT NULL,
            samples_per_problem INTEGER, problem_ids_json TEXT NOT NULL, PRIMARY KEY(run_id, shard_index, shard_count));
        """, "run_shards");

    /// <summary>Records that the store holds this shard of the run; a rerun with a larger N raises its samples per problem.</summary>
    public void SaveShard(ShardRecord shard)
    {
        EnsureShardTable();
        Write(() =>
        {
            using var cmd = Command("""
                INSERT INTO run_shards(run_id, shard_index, shard_count, samples_per_problem, problem_ids_json) VALUES($run, $i, $n, $per, $ids)
                ON CONFLICT(run_id, shard_index, shard_count) DO UPDATE SET
                    samples_per_problem = MAX(COALESCE(samples_per_problem, 0), COALESCE(excluded.samples_per_problem, 0)), problem_ids_json = excluded.problem_ids_json
                """,
                ("$run", shard.RunId), ("$i", shard.Index), ("$n", shard.Count), ("$per", shard.SamplesPerProblem), ("$ids", JsonSerializer.Serialize(shard.RunProblemIds)));
            cmd.ExecuteNonQuery();
        });
    }

    /// <summary>The shards of the run this store holds; empty for a run drawn whole.</summary>
    public IReadOnlyList<ShardRecord> Shards(string runId)
    {
        if (!EnsureShardTable()) return [];
        using var cmd = Command("SELECT shard_index, shard_count, samples_per_problem, problem_ids_json FROM run_shards WHERE run_id = $run ORDER BY shard_count, shard_index", ("$run", runId));
        using var r = cmd.ExecuteReader();
        var list = new List<ShardRecord>();
        while (r.Read()) list.Add(new ShardRecord(runId, r.GetInt32(0), r.GetInt32(1), r.IsDBNull(2) ? null : r.GetInt32(2), JsonSerializer.Deserialize<string[]>(r.GetString(3)) ?? []));
        return list;
    }

    /// <summary>The run's settings as recorded, without creating the table: readable on a read-only store.</summary>
    public string? RecordedRunSettings(string runId) =>
        TableExists("run_settings") ? Scalar<string?>("SELECT settings_json FROM run_settings WHERE run_id = $run", ("$run", runId)) : null;

    /// <summary>The problem ids of a run, in position order.</summary>
    public IReadOnlyList<string> ProblemIds(string runId)
    {
        using var cmd = Command("SELECT problem_id FROM problems WHERE run_id = $run ORDER BY position", ("$run", runId));
        using var r = cmd.ExecuteReader();
        var list = new List<string>();
        while (r.Read()) list.Add(r.GetString(0));
        return list;
    }

    /// <summary>How many samples each problem of the run holds, and their largest index.</summary>
    public IReadOnlyDictionary<string, (int Count, int MaxIndex)> SampleCounts(string runId)
    {
        using var cmd = Command("SELECT problem_id, COUNT(*), MAX(sample_index) FROM samples WHERE run_id = $run GROUP BY problem_id", ("$run", runId));
        using var r = cmd.ExecuteReader();
        var counts = new Dictionary<string, (int, int)>();
        while (r.Read()) counts[r.GetString(0)] = (r.GetInt32(1), r.GetInt32(2));
        return counts;
    }
}
