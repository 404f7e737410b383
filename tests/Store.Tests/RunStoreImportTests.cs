using Microsoft.Data.Sqlite;

namespace BestOfN.Store.Tests;

/// <summary>An import writes each problem with its samples and scores whole, and creates its run and scorer only along with them.</summary>
public class RunStoreImportTests
{
    private static string NewPath() => Path.Combine(Directory.CreateTempSubdirectory("bestofn-store").FullName, "runs.db");

    private static readonly RunInfo Run = new("imp", "import", "set.jsonl", null, null, "{\"format\":\"rlhflow\"}", DateTimeOffset.Parse("2026-01-01T00:00:00Z"));

    private static readonly ScorerInfo Scorer = new("imp", "imported", "imported", false, null, null, "{}", "{}", DateTimeOffset.Parse("2026-01-01T00:00:00Z"));

    private static ImportedProblemRows Rows(string id, int position, int answers, bool scored) => new(
        new StoredProblem("imp", id, position, $"question {id}", "7", new Dictionary<string, string>(), null, null),
        Enumerable.Range(0, answers).Select(i => new StoredSample("imp", id, i, 0, $"answer {i}", 0, "imported", null, 0, i % 2 == 0)).ToList(),
        scored ? Enumerable.Range(0, answers).Select(i => new StoredScore(id, i, "ok", [], 0.5, [], 1, 0, 0)).ToList() : []);

    private static long Count(string path, string sql) => (long)Execute(path, sql)!;

    private static object? Execute(string path, string sql)
    {
        using var c = new SqliteConnection($"Data Source={path};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }

    /// <summary>A trigger that makes SQLite fail the insert of one row, as a full disk or a kill would stop the write there.</summary>
    private static void FailInsert(string path, string table, string problemId, int index) => Execute(path, $"""
        CREATE TRIGGER fail_{table} BEFORE INSERT ON {table} WHEN NEW.problem_id = '{problemId}' AND NEW.sample_index = {index}
        BEGIN SELECT RAISE(ABORT, 'injected failure'); END;
        """);

    [Fact]
    public void An_import_stores_every_problem_with_its_samples_and_scores_and_a_rerun_adds_nothing()
    {
        var path = NewPath();
        using var store = RunStore.Open(path);
        ImportedProblemRows[] rows = [Rows("p0", 0, 3, scored: false), Rows("p1", 1, 2, scored: true)];

        var first = store.SaveImport(Run, Scorer, rows);
        var again = store.SaveImport(Run, Scorer, rows);

        Assert.Equal((5, 2), (first.SamplesInserted, first.ScoresInserted));
        Assert.Equal((0, 0), (again.SamplesInserted, again.ScoresInserted));
        Assert.Equal(["p0", "p1"], store.Problems("imp").Select(p => p.ProblemId));
        Assert.Equal([0.5, 0.5], store.Scores("imp", "imported").Select(s => s.OrmScore!.Value));
    }

    [Fact]
    public void A_problem_whose_scores_fail_to_write_leaves_no_part_of_itself_no_scorer_and_the_problems_before_it_whole()
    {
        var path = NewPath();
        using var store = RunStore.Open(path);
        Assert.Empty(store.Scorers("imp")); // creates the score tables, for the trigger
        // The problem's second score fails: after its problem row, its samples, the scorer row and its first score were written.
        FailInsert(path, "scores", "p1", 1);

        var e = Assert.ThrowsAny<SqliteException>(() => store.SaveImport(Run, Scorer, [Rows("p0", 0, 3, scored: false), Rows("p1", 1, 2, scored: true)]));
        Assert.Contains("injected failure", e.Message);

        Assert.Equal(1, Count(path, "SELECT COUNT(*) FROM runs"));
        Assert.Equal(1, Count(path, "SELECT COUNT(*) FROM problems"));
        Assert.Equal(3, Count(path, "SELECT COUNT(*) FROM samples"));
        Assert.Equal(0, Count(path, "SELECT COUNT(*) FROM scorers"));
        Assert.Equal(0, Count(path, "SELECT COUNT(*) FROM scores"));
        Execute(path, "DROP TRIGGER fail_scores");
        Assert.Equal(2, store.SaveImport(Run, Scorer, [Rows("p1", 1, 2, scored: true)]).ScoresInserted); // the same store resumes
    }

    [Fact]
    public void A_first_problem_that_fails_leaves_no_run_behind()
    {
        var path = NewPath();
        using (var store = RunStore.Open(path))
        {
            FailInsert(path, "samples", "p0", 1);
            Assert.ThrowsAny<SqliteException>(() => store.SaveImport(Run, Scorer, [Rows("p0", 0, 2, scored: true)]));
        }

        Assert.Equal(0, Count(path, "SELECT COUNT(*) FROM runs"));
        Assert.Equal(0, Count(path, "SELECT COUNT(*) FROM problems"));
    }

    [Fact]
    public void An_import_without_problems_is_refused_before_anything_is_written()
    {
        var path = NewPath();
        using (var store = RunStore.Open(path))
            Assert.Throws<ArgumentException>(() => store.SaveImport(Run, null, []));

        Assert.Equal(0, Count(path, "SELECT COUNT(*) FROM runs"));
    }
}
