using BestOfN.Store;
using Microsoft.Data.Sqlite;

namespace BestOfN.Store.Tests;

public class RunStoreScoresTests
{
    private static string NewPath() => Path.Combine(Directory.CreateTempSubdirectory("bestofn-store").FullName, "runs.db");

    private static RunStore StoreWithProblem(string path)
    {
        var store = RunStore.Open(path);
        store.EnsureRun(new RunInfo("r", "import", "d", null, null, "{}", DateTimeOffset.UnixEpoch));
        store.SaveProblems([new StoredProblem("r", "p", 0, "q", "1", new Dictionary<string, string>(), null, null)]);
        return store;
    }

    [Fact]
    public void Whether_a_scorer_scores_steps_is_a_typed_column_and_scores_round_trip()
    {
        using var store = StoreWithProblem(NewPath());
        store.EnsureScorer(new ScorerInfo("r", "s1", "some-prm", ScoresSteps: true, "/m.gguf", "abc", "{\"a\":1}", "{}", DateTimeOffset.UnixEpoch));
        store.EnsureScorer(new ScorerInfo("r", "s2", "some-orm", ScoresSteps: false, null, null, "{}", "{}", DateTimeOffset.UnixEpoch.AddSeconds(1)));
        Assert.Equal(1, store.SaveScores("r", "s1", [new StoredScore("p", 0, "truncated", [0.5, 0.25], null, [10, 20], 3, 21, 1.5)]));
        Assert.Equal(0, store.SaveScores("r", "s1", [new StoredScore("p", 0, "ok", [0.9], null, [10], 1, 11, 1)])); // the first write wins

        Assert.Equal([("s1", true), ("s2", false)], store.Scorers("r").Select(s => (s.ScorerId, s.ScoresSteps)));
        var score = Assert.Single(store.Scores("r", "s1"));
        Assert.Equal(("truncated", 3, 21), (score.Status, score.StepCount, score.TokenCount));
        Assert.Equal([0.5, 0.25], score.StepScores);
        Assert.Equal([10, 20], score.StepPositions);
        var e = Assert.Throws<InvalidOperationException>(() => store.EnsureScorer(new ScorerInfo("r", "s1", "some-prm", true, null, null, "{\"a\":2}", "{}", DateTimeOffset.UnixEpoch)));
        Assert.Contains("another configuration", e.Message);
    }

    [Fact]
    public void A_store_written_before_the_typed_column_learns_each_scorers_level_from_its_scores()
    {
        var path = NewPath();
        using (StoreWithProblem(path)) { }
        using (var c = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            // The score tables as the first schema had them: no scores_steps column, the level only in the protocol name.
            cmd.CommandText = """
                CREATE TABLE scorers(run_id TEXT NOT NULL, scorer_id TEXT NOT NULL, protocol TEXT NOT NULL, model_path TEXT, model_sha256 TEXT,
                    config_json TEXT NOT NULL, manifest_json TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY(run_id, scorer_id));
                CREATE TABLE scores(run_id TEXT NOT NULL, scorer_id TEXT NOT NULL, problem_id TEXT NOT NULL, sample_index INTEGER NOT NULL,
                    status TEXT NOT NULL, orm_score REAL, step_scores_json TEXT NOT NULL, step_positions_json TEXT NOT NULL,
                    step_count INTEGER NOT NULL, token_count INTEGER NOT NULL, score_ms REAL NOT NULL, created_at TEXT NOT NULL,
                    PRIMARY KEY(run_id, scorer_id, problem_id, sample_index));
                INSERT INTO scorers VALUES('r', 'old-orm', 'rlhflow-orm', NULL, NULL, '{}', '{}', '2026-01-01T00:00:00Z');
                INSERT INTO scorers VALUES('r', 'old-prm', 'rlhflow-prm', NULL, NULL, '{}', '{}', '2026-01-02T00:00:00Z');
                INSERT INTO scores VALUES('r', 'old-orm', 'p', 0, 'ok', 0.7, '[]', '[]', 1, 5, 1, '2026-01-01T00:00:00Z');
                INSERT INTO scores VALUES('r', 'old-prm', 'p', 0, 'ok', NULL, '[0.5]', '[3]', 1, 5, 1, '2026-01-02T00:00:00Z');
                """;
            cmd.ExecuteNonQuery();
        }

        using var reopened = RunStore.Open(path);

        Assert.Equal([("old-orm", false), ("old-prm", true)], reopened.Scorers("r").Select(s => (s.ScorerId, s.ScoresSteps)));
        Assert.Equal(0.7, Assert.Single(reopened.Scores("r", "old-orm")).OrmScore);
    }
}
