using System.Text.Json;

namespace BestOfN.Store;

/// <summary>A reward-model scoring of a run: which model and protocol, and the manifest (token ids, read positions) to audit it.</summary>
/// <param name="ScoresSteps">True when the scorer gives every step a score (a PRM), false for one score per answer (an ORM).</param>
/// <param name="ConfigJson">Everything that changes a score; reruns with the same one resume the scoring.</param>
public sealed record ScorerInfo(string RunId, string ScorerId, string Protocol, bool ScoresSteps, string? ModelPath, string? ModelSha256, string ConfigJson,
    string ManifestJson, DateTimeOffset CreatedAt);

/// <summary>The stored scores of one answer under one scorer.</summary>
/// <param name="Status">What became of the scoring (the scorer's own status name: ok, truncated, …).</param>
/// <param name="StepScores">Every step score, in order; empty for an outcome scorer.</param>
/// <param name="StepPositions">Token position of each read, in the scored sequence.</param>
public sealed record StoredScore(string ProblemId, int Index, string Status, IReadOnlyList<double> StepScores, double? OrmScore,
    IReadOnlyList<int> StepPositions, int StepCount, int TokenCount, double Milliseconds);

/// <summary>Reward scores, kept beside the samples: one row per (run, scorer, problem, sample), written a batch per transaction.</summary>
public sealed partial class RunStore
{
    private bool _scoreTablesReady;

    /// <summary>Creates or upgrades the score tables; false when a read-only store has none (it holds no scores).</summary>
    private bool EnsureScoreTables()
    {
        if (_scoreTablesReady) return true;
        if (IsReadOnly) return _scoreTablesReady = ScoreTablesReadable();
        Write(() => Execute("""
            CREATE TABLE IF NOT EXISTS scorers(
                run_id TEXT NOT NULL REFERENCES runs(run_id), scorer_id TEXT NOT NULL, protocol TEXT NOT NULL, model_path TEXT, model_sha256 TEXT,
                config_json TEXT NOT NULL, manifest_json TEXT NOT NULL, created_at TEXT NOT NULL,
                scores_steps INTEGER NOT NULL, PRIMARY KEY(run_id, scorer_id));
            CREATE TABLE IF NOT EXISTS scores(
                run_id TEXT NOT NULL, scorer_id TEXT NOT NULL, problem_id TEXT NOT NULL, sample_index INTEGER NOT NULL,
                status TEXT NOT NULL, orm_score REAL, step_scores_json TEXT NOT NULL, step_positions_json TEXT NOT NULL,
                step_count INTEGER NOT NULL, token_count INTEGER NOT NULL, score_ms REAL NOT NULL, created_at TEXT NOT NULL,
                PRIMARY KEY(run_id, scorer_id, problem_id, sample_index),
                FOREIGN KEY(run_id, scorer_id) REFERENCES scorers(run_id, scorer_id));
            """));
        Write(AddScoresStepsColumn);
        return _scoreTablesReady = true;
    }

    private bool ScoreTablesReadable()
    {
        if (Scalar<long>("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('scorers', 'scores')") < 2) return false;
        if (!HasScoresStepsColumn())
            throw new InvalidDataException($"{Path} was written by an older build; open it once writable (score or import into it) to upgrade it, then read it.");
        return true;
    }

    private bool HasScoresStepsColumn() => Scalar<long>("SELECT COUNT(*) FROM pragma_table_info('scorers') WHERE name = 'scores_steps'") > 0;

    /// <summary>
    /// Stores written before the typed scores_steps column learn each scorer's level from its data: a scorer that stored an
    /// outcome score is outcome-level, any other scores steps.
    /// </summary>
    private void AddScoresStepsColumn()
    {
        if (HasScoresStepsColumn()) return;
        Execute("""
            ALTER TABLE scorers ADD COLUMN scores_steps INTEGER NOT NULL DEFAULT 1;
            UPDATE scorers SET scores_steps = 0 WHERE EXISTS(
                SELECT 1 FROM scores s WHERE s.run_id = scorers.run_id AND s.scorer_id = scorers.scorer_id AND s.orm_score IS NOT NULL);
            """);
    }

    /// <summary>Creates the scorer, or returns the stored one with the same id. A stored scorer with another configuration is an error.</summary>
    public ScorerInfo EnsureScorer(ScorerInfo scorer) => Write(() =>
    {
        EnsureScoreTables();
        var existing = Scorers(scorer.RunId).FirstOrDefault(s => s.ScorerId == scorer.ScorerId);
        if (existing is not null)
        {
            if (existing.ConfigJson != scorer.ConfigJson)
                throw new InvalidOperationException($"Scorer {scorer.ScorerId} of run {scorer.RunId} already exists in {Path} with another configuration:\n  stored: {existing.ConfigJson}\n  now:    {scorer.ConfigJson}\nChoose another --scorer name.");
            return existing;
        }
        using var cmd = Command("""
            INSERT INTO scorers(run_id, scorer_id, protocol, scores_steps, model_path, model_sha256, config_json, manifest_json, created_at)
            VALUES($run, $id, $protocol, $steps, $path, $sha, $config, $manifest, $created)
            """,
            ("$run", scorer.RunId), ("$id", scorer.ScorerId), ("$protocol", scorer.Protocol), ("$steps", scorer.ScoresSteps ? 1 : 0), ("$path", scorer.ModelPath), ("$sha", scorer.ModelSha256),
            ("$config", scorer.ConfigJson), ("$manifest", scorer.ManifestJson), ("$created", scorer.CreatedAt.ToString("O")));
        cmd.ExecuteNonQuery();
        return scorer;
    });

    /// <summary>The scorers of a run, oldest first.</summary>
    public IReadOnlyList<ScorerInfo> Scorers(string runId)
    {
        if (!EnsureScoreTables()) return [];
        using var cmd = Command("""
            SELECT scorer_id, protocol, scores_steps, model_path, model_sha256, config_json, manifest_json, created_at FROM scorers
            WHERE run_id = $run ORDER BY created_at, scorer_id
            """, ("$run", runId));
        using var r = cmd.ExecuteReader();
        var list = new List<ScorerInfo>();
        while (r.Read())
        {
            list.Add(new ScorerInfo(runId, r.GetString(0), r.GetString(1), r.GetInt64(2) != 0, r.IsDBNull(3) ? null : r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
                r.GetString(5), r.GetString(6), DateTimeOffset.Parse(r.GetString(7), System.Globalization.CultureInfo.InvariantCulture)));
        }

        return list;
    }

    public IReadOnlySet<int> ScoredIndices(string runId, string scorerId, string problemId)
    {
        if (!EnsureScoreTables()) return new HashSet<int>();
        using var cmd = Command("SELECT sample_index FROM scores WHERE run_id = $run AND scorer_id = $scorer AND problem_id = $pid",
            ("$run", runId), ("$scorer", scorerId), ("$pid", problemId));
        using var r = cmd.ExecuteReader();
        var set = new HashSet<int>();
        while (r.Read()) set.Add(r.GetInt32(0));
        return set;
    }

    /// <summary>Writes scores in one transaction; a score already stored is kept and never duplicated.</summary>
    public int SaveScores(string runId, string scorerId, IEnumerable<StoredScore> scores)
    {
        EnsureScoreTables();
        var now = DateTimeOffset.UtcNow.ToString("O");
        return InTransaction(() => scores.Sum(s => InsertScore(runId, scorerId, s, now)));
    }

    private int InsertScore(string runId, string scorerId, StoredScore s, string now)
    {
        using var cmd = Command("""
                INSERT OR IGNORE INTO scores(run_id, scorer_id, problem_id, sample_index, status, orm_score, step_scores_json, step_positions_json,
                    step_count, token_count, score_ms, created_at)
                VALUES($run, $scorer, $pid, $idx, $status, $orm, $steps, $positions, $nsteps, $tokens, $ms, $created)
                """,
                ("$run", runId), ("$scorer", scorerId), ("$pid", s.ProblemId), ("$idx", s.Index), ("$status", s.Status), ("$orm", s.OrmScore),
                ("$steps", JsonSerializer.Serialize(s.StepScores)), ("$positions", JsonSerializer.Serialize(s.StepPositions)), ("$nsteps", s.StepCount),
                ("$tokens", s.TokenCount), ("$ms", s.Milliseconds), ("$created", now));
        return cmd.ExecuteNonQuery();
    }

    /// <summary>The stored scores of one scorer, in problem order, then index order.</summary>
    public IEnumerable<StoredScore> Scores(string runId, string scorerId)
    {
        if (!EnsureScoreTables()) yield break;
        using var cmd = Command("""
            SELECT s.problem_id, s.sample_index, s.status, s.orm_score, s.step_scores_json, s.step_positions_json, s.step_count, s.token_count, s.score_ms
            FROM scores s JOIN problems p ON p.run_id = s.run_id AND p.problem_id = s.problem_id
            WHERE s.run_id = $run AND s.scorer_id = $scorer ORDER BY p.position, s.sample_index
            """, ("$run", runId), ("$scorer", scorerId));
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            yield return new StoredScore(r.GetString(0), r.GetInt32(1), r.GetString(2), JsonSerializer.Deserialize<double[]>(r.GetString(4)) ?? [],
                r.IsDBNull(3) ? null : r.GetDouble(3), JsonSerializer.Deserialize<int[]>(r.GetString(5)) ?? [], r.GetInt32(6), r.GetInt32(7), r.GetDouble(8));
        }
    }

    public long ScoreCount(string runId, string scorerId)
    {
        if (!EnsureScoreTables()) return 0;
        return Scalar<long>("SELECT COUNT(*) FROM scores WHERE run_id = $run AND scorer_id = $scorer", ("$run", runId), ("$scorer", scorerId));
    }
}
