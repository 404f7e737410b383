namespace BestOfN.Store;

/// <summary>Two stores disagree on one row: the run, the problem and (for a sample or a score) the index; the scorer for a score.</summary>
public sealed record MergeConflict(string What, string RunId, string ProblemId, int? Index, string? ScorerId);

/// <summary>Copies another store's rows into this one, for merging the shards of a run.</summary>
public sealed partial class RunStore
{
    /// <summary>The compared columns of each table a merge copies (timings and creation times may differ between identical rows).</summary>
    private static readonly (string Table, string Key, string Compared, string Columns)[] MergedTables =
    [
        ("problems", "run_id, problem_id", "position, question, gold, fields_json, prompt, prompt_tokens",
            "run_id, problem_id, position, question, gold, fields_json, prompt, prompt_tokens"),
        ("samples", "run_id, problem_id, sample_index", "seed, text, token_count, finish_reason, stop_string, label",
            "run_id, problem_id, sample_index, seed, text, token_count, finish_reason, stop_string, gen_ms, label, created_at"),
        ("scorers", "run_id, scorer_id", "protocol, scores_steps, model_sha256, config_json",
            "run_id, scorer_id, protocol, scores_steps, model_path, model_sha256, config_json, manifest_json, created_at"),
        ("scores", "run_id, scorer_id, problem_id, sample_index", "status, orm_score, step_scores_json, step_positions_json, step_count, token_count",
            "run_id, scorer_id, problem_id, sample_index, status, orm_score, step_scores_json, step_positions_json, step_count, token_count, score_ms, created_at"),
    ];

    /// <summary>
    /// Copies every run, problem, sample, scorer, score, run setting and shard record of the store at <paramref name="sourcePath"/> into
    /// this one, in one transaction. A row this store holds already is kept when the source's equals it; when one differs, nothing is
    /// copied and the first such row is returned. The caller checks that the runs themselves agree.
    /// </summary>
    public MergeConflict? MergeFrom(string sourcePath)
    {
        EnsureScoreTables();
        EnsureSettingsTable();
        EnsureShardTable();
        EnsureExperimentTables();
        Write(() =>
        {
            using var attach = Command("ATTACH DATABASE $path AS src", ("$path", sourcePath));
            attach.ExecuteNonQuery();
        });
        try
        {
            return InTransaction(() =>
            {
                foreach (var (table, key, compared, _) in MergedTables)
                {
                    if (!TableExists(table, "src")) continue;
                    if (FirstConflict(table, key, compared) is { } conflict) return conflict;
                }
                Execute("INSERT OR IGNORE INTO main.runs SELECT run_id, kind, dataset, model_path, model_sha256, config_json, created_at FROM src.runs;");
                foreach (var (table, _, _, columns) in MergedTables)
                {
                    if (TableExists(table, "src")) Execute($"INSERT OR IGNORE INTO main.{table}({columns}) SELECT {columns} FROM src.{table};");
                }
                if (TableExists("run_settings", "src")) Execute("INSERT OR IGNORE INTO main.run_settings(run_id, settings_json) SELECT run_id, settings_json FROM src.run_settings;");
                if (TableExists("run_shards", "src"))
                    Execute("INSERT OR IGNORE INTO main.run_shards(run_id, shard_index, shard_count, samples_per_problem, problem_ids_json) SELECT run_id, shard_index, shard_count, samples_per_problem, problem_ids_json FROM src.run_shards;");
                Execute("INSERT OR IGNORE INTO main.model_hashes(path, size, mtime_ticks, sha256) SELECT path, size, mtime_ticks, sha256 FROM src.model_hashes;");
                if (TableExists("experiment_cells", "src"))
                    Execute("INSERT OR IGNORE INTO main.experiment_cells SELECT experiment, generator, dataset, reward_model, run_id, scorer_id FROM src.experiment_cells;");
                return (MergeConflict?)null;
            });
        }
        finally
        {
            Execute("DETACH DATABASE src;");
        }
    }

    private MergeConflict? FirstConflict(string table, string key, string compared)
    {
        var keys = key.Split(", ");
        var join = string.Join(" AND ", keys.Select(k => $"m.{k} = s.{k}"));
        var differs = string.Join(" OR ", compared.Split(", ").Select(c => $"m.{c} IS NOT s.{c}"));
        using var cmd = Command($"SELECT {string.Join(", ", keys.Select(k => "s." + k))} FROM src.{table} s JOIN main.{table} m ON {join} WHERE {differs} LIMIT 1");
        using var r = cmd.ExecuteReader();
        if (!r.Read()) return null;
        string? Column(string name) => Array.IndexOf(keys, name) is var i and >= 0 ? Convert.ToString(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture) : null;
        return new MergeConflict(table.TrimEnd('s'), Column("run_id")!, Column("problem_id") ?? "", Column("sample_index") is { } index ? int.Parse(index, System.Globalization.CultureInfo.InvariantCulture) : null,
            Column("scorer_id"));
    }

    /// <summary>Folds the write-ahead log into the file and stops using one, so the file alone is the whole store (before it is renamed).</summary>
    public void Seal() => Write(() => Execute("PRAGMA journal_mode=DELETE;"));
}
