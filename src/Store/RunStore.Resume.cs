namespace BestOfN.Store;

/// <summary>What a resumed run must match, and waves that replace the samples they redraw.</summary>
public sealed partial class RunStore
{
    private bool _settingsTableReady;

    private void EnsureSettingsTable()
    {
        if (_settingsTableReady) return;
        Execute("CREATE TABLE IF NOT EXISTS run_settings(run_id TEXT PRIMARY KEY REFERENCES runs(run_id), settings_json TEXT NOT NULL);");
        _settingsTableReady = true;
    }

    /// <summary>
    /// The settings that change a sample's bits without changing what the run is (parallelism, threads, the natives), as first
    /// recorded for the run; null for a run that has none recorded yet (sampled by an older build, or imported).
    /// </summary>
    public string? RunSettings(string runId)
    {
        EnsureSettingsTable();
        return Scalar<string?>("SELECT settings_json FROM run_settings WHERE run_id = $run", ("$run", runId));
    }

    /// <summary>Records the run's settings unless some are recorded already.</summary>
    public void SaveRunSettings(string runId, string settingsJson) => Write(() =>
    {
        EnsureSettingsTable();
        using var cmd = Command("INSERT OR IGNORE INTO run_settings(run_id, settings_json) VALUES($run, $json)", ("$run", runId), ("$json", settingsJson));
        cmd.ExecuteNonQuery();
    });

    /// <summary>
    /// Writes a wave in one transaction. A sample already stored under the same index is replaced, and its reward scores are dropped
    /// with it: a wave is redrawn whole only when a smaller N had cut it short (see the sampler's waves).
    /// </summary>
    public int SaveWave(IReadOnlyList<StoredSample> samples) => Write(() =>
    {
        EnsureScoreTables();
        using var tx = _connection.BeginTransaction();
        var now = DateTimeOffset.UtcNow.ToString("O");
        foreach (var s in samples)
        {
            using var drop = Command("DELETE FROM scores WHERE run_id = $run AND problem_id = $pid AND sample_index = $idx", ("$run", s.RunId), ("$pid", s.ProblemId), ("$idx", s.Index));
            drop.Transaction = tx;
            drop.ExecuteNonQuery();
            using var cmd = Command("""
                INSERT OR REPLACE INTO samples(run_id, problem_id, sample_index, seed, text, token_count, finish_reason, stop_string, gen_ms, label, created_at)
                VALUES($run, $pid, $idx, $seed, $text, $tok, $finish, $stop, $ms, $label, $created)
                """,
                ("$run", s.RunId), ("$pid", s.ProblemId), ("$idx", s.Index), ("$seed", s.Seed), ("$text", s.Text), ("$tok", s.TokenCount),
                ("$finish", s.FinishReason), ("$stop", s.StopString), ("$ms", s.Milliseconds), ("$label", s.Label is null ? null : s.Label.Value ? 1 : 0),
                ("$created", now));
            cmd.Transaction = tx;
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
        return samples.Count;
    });
}
