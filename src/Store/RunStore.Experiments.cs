namespace BestOfN.Store;

/// <summary>One cell of an experiment: the run a generator drew on a dataset, and the scorer a reward model stored on it ("" for none).</summary>
public sealed record ExperimentCell(string Experiment, string Generator, string Dataset, string RewardModel, string RunId, string ScorerId);

/// <summary>
/// Compute spent on a run ("" scorer: its sampling) or on one scorer of it, summed over every invocation that did work: the
/// tokens each stage reports and its wall time.
/// </summary>
public sealed record StageAccounting(string RunId, string ScorerId, long PromptTokens, long GeneratedTokens, long ScoredTokens, double WallMilliseconds);

/// <summary>
/// What an experiment needs beyond runs and scores: which run and scorer each of its cells is (so its report is rebuilt from the
/// store alone), and the compute each stage spent. The tables are created on first use (a store from before them simply has none).
/// </summary>
public sealed partial class RunStore
{
    private bool _experimentTablesReady;

    private bool EnsureExperimentTables() => EnsureTables(ref _experimentTablesReady, """
        CREATE TABLE IF NOT EXISTS experiment_cells(
            experiment TEXT NOT NULL, generator TEXT NOT NULL, dataset TEXT NOT NULL, reward_model TEXT NOT NULL, run_id TEXT NOT NULL,
            scorer_id TEXT NOT NULL, PRIMARY KEY(experiment, generator, dataset, reward_model));
        CREATE TABLE IF NOT EXISTS stage_accounting(
            run_id TEXT NOT NULL, scorer_id TEXT NOT NULL, prompt_tokens INTEGER NOT NULL, generated_tokens INTEGER NOT NULL,
            scored_tokens INTEGER NOT NULL, wall_ms REAL NOT NULL, PRIMARY KEY(run_id, scorer_id));
        """, "experiment_cells", "stage_accounting");

    /// <summary>Records (or moves) a cell: a generator whose settings changed points at its new run.</summary>
    public void SaveExperimentCell(ExperimentCell cell)
    {
        EnsureExperimentTables();
        Write(() =>
        {
            using var cmd = Command("INSERT OR REPLACE INTO experiment_cells(experiment, generator, dataset, reward_model, run_id, scorer_id) VALUES($e, $g, $d, $r, $run, $s)",
                ("$e", cell.Experiment), ("$g", cell.Generator), ("$d", cell.Dataset), ("$r", cell.RewardModel), ("$run", cell.RunId), ("$s", cell.ScorerId));
            cmd.ExecuteNonQuery();
        });
    }

    public IReadOnlyList<ExperimentCell> ExperimentCells(string experiment)
    {
        if (!EnsureExperimentTables()) return [];
        using var cmd = Command("SELECT generator, dataset, reward_model, run_id, scorer_id FROM experiment_cells WHERE experiment = $e ORDER BY rowid", ("$e", experiment));
        using var r = cmd.ExecuteReader();
        var cells = new List<ExperimentCell>();
        while (r.Read()) cells.Add(new ExperimentCell(experiment, r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4)));
        return cells;
    }

    /// <summary>Adds one invocation's work to the stage's totals.</summary>
    public void AddStageAccounting(StageAccounting work)
    {
        EnsureExperimentTables();
        Write(() =>
        {
            using var cmd = Command("""
                INSERT INTO stage_accounting(run_id, scorer_id, prompt_tokens, generated_tokens, scored_tokens, wall_ms) VALUES($run, $s, $p, $g, $t, $ms)
                ON CONFLICT(run_id, scorer_id) DO UPDATE SET prompt_tokens = prompt_tokens + excluded.prompt_tokens,
                    generated_tokens = generated_tokens + excluded.generated_tokens, scored_tokens = scored_tokens + excluded.scored_tokens,
                    wall_ms = wall_ms + excluded.wall_ms
                """, ("$run", work.RunId), ("$s", work.ScorerId), ("$p", work.PromptTokens), ("$g", work.GeneratedTokens), ("$t", work.ScoredTokens), ("$ms", work.WallMilliseconds));
            cmd.ExecuteNonQuery();
        });
    }

    /// <summary>The stage's totals; null when no experiment recorded work on it.</summary>
    public StageAccounting? Accounting(string runId, string scorerId)
    {
        if (!EnsureExperimentTables()) return null;
        using var cmd = Command("SELECT prompt_tokens, generated_tokens, scored_tokens, wall_ms FROM stage_accounting WHERE run_id = $run AND scorer_id = $s", ("$run", runId), ("$s", scorerId));
        using var r = cmd.ExecuteReader();
        return r.Read() ? new StageAccounting(runId, scorerId, r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetDouble(3)) : null;
    }
}
