using System.Security.Cryptography;
using BestOfN.TestSupport.Reliability;
using Microsoft.Data.Sqlite;

namespace BestOfN.Store.Tests;

/// <summary>A store that cannot be used, or cannot be written now, fails as one line naming it; a read-only store stays readable.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class RunStoreFailureTests
{
    private const UnixFileMode ReadOnlyFile = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode ReadOnlyFolder = ReadOnlyFile | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
    private const UnixFileMode WritableFolder = ReadOnlyFolder | UnixFileMode.UserWrite;

    private static string NewDir() => Directory.CreateTempSubdirectory("bestofn-store").FullName;

    private static RunInfo Run(string id = "r1") => new(id, "sample", "gsm8k:test.jsonl", null, null, "{}", DateTimeOffset.Parse("2026-01-01T00:00:00Z"));

    private static StoredProblem Problem(string id, int position, string run = "r1") => new(run, id, position, $"question {id}", "42", new Dictionary<string, string>(), null, null);

    private static StoredSample Sample(string problem, int index, string run = "r1") => new(run, problem, index, index, $"answer {index}", 3, "eos", null, 1, null);

    private static StoredScore Score(string problem, int index) => new(problem, index, "ok", [0.5, 0.25], null, [4, 9], 2, 10, 1);

    private static ScorerInfo Scorer(string run = "r1") => new(run, "s1", "rlhflow-prm", true, null, null, "{}", "{}", DateTimeOffset.Parse("2026-01-01T00:00:00Z"));

    /// <summary>A store with one run of two problems, three samples and, when asked, one scorer with two scores.</summary>
    private static string WriteStore(string dir, bool withScores)
    {
        var path = Path.Combine(dir, "runs.db");
        using var store = RunStore.Open(path);
        store.EnsureRun(Run());
        store.SaveProblems([Problem("a", 0), Problem("b", 1)]);
        store.SaveSamples([Sample("a", 0), Sample("a", 1), Sample("b", 0)]);
        if (withScores)
        {
            store.EnsureScorer(Scorer());
            store.SaveScores("r1", "s1", [Score("a", 0), Score("b", 0)]);
        }
        return path;
    }

    private static string Sha256(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    [Fact]
    public void A_directory_given_as_the_store_is_refused_naming_it_and_a_file_to_give_instead()
    {
        var dir = NewDir();

        var write = Assert.Throws<InvalidDataException>(() => RunStore.Open(dir));
        var read = Assert.Throws<InvalidDataException>(() => RunStore.OpenReadOnly(dir));

        Assert.All([write.Message, read.Message], m => Assert.Equal($"{dir} is a directory, not a run store; give --store a file, for example {Path.Combine(dir, "runs.db")}.", m));
        Assert.Empty(Directory.GetFileSystemEntries(dir));
    }

    [Fact]
    public void A_file_that_is_not_sqlite_is_not_a_run_store_in_either_mode_and_is_left_as_it_was()
    {
        var path = Path.Combine(NewDir(), "notes.txt");
        File.WriteAllText(path, "these are my notes, not a database\n");

        var write = Assert.Throws<InvalidDataException>(() => RunStore.Open(path));
        var read = Assert.Throws<InvalidDataException>(() => RunStore.OpenReadOnly(path));

        Assert.All([write.Message, read.Message], m => Assert.StartsWith($"{path} is not a BestOfN run store (or is damaged): ", m));
        Assert.All([write.Message, read.Message], m => Assert.DoesNotContain('\n', m));
        Assert.Equal("these are my notes, not a database\n", File.ReadAllText(path));
    }

    [Fact]
    public void Opening_a_missing_store_read_only_names_it_and_creates_nothing()
    {
        var path = Path.Combine(NewDir(), "missing.db");

        var e = Assert.Throws<FileNotFoundException>(() => RunStore.OpenReadOnly(path));

        Assert.Contains($"No run store at {path}", e.Message);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void A_store_with_a_read_only_file_and_folder_is_read_whole_in_sqlite_read_only_mode_and_not_changed()
    {
        var dir = NewDir();
        var path = WriteStore(dir, withScores: true);
        var before = Sha256(path);
        File.SetUnixFileMode(path, ReadOnlyFile);
        File.SetUnixFileMode(dir, ReadOnlyFolder);
        try
        {
            using var store = RunStore.OpenReadOnly(path);

            Assert.True(store.IsReadOnly);
            Assert.Equal("r1", Assert.Single(store.Runs()).RunId);
            Assert.Equal([("a", 0), ("a", 1), ("b", 0)], store.Samples("r1").Select(s => (s.ProblemId, s.Index)));
            Assert.Equal("s1", Assert.Single(store.Scorers("r1")).ScorerId);
            Assert.Equal([[0.5, 0.25], [0.5, 0.25]], store.Scores("r1", "s1").Select(s => s.StepScores.ToArray()));
            var refused = Assert.Throws<InvalidOperationException>(() => store.SaveSamples([Sample("b", 1)]));
            Assert.Contains("opened read-only", refused.Message);
        }
        finally
        {
            File.SetUnixFileMode(dir, WritableFolder);
        }
        Assert.Equal(before, Sha256(path));
        File.SetUnixFileMode(path, ReadOnlyFile | UnixFileMode.UserWrite);
        using var reopened = RunStore.Open(path);
        Assert.Equal(3, reopened.SampleCount("r1"));
    }

    [Fact]
    public void A_read_only_store_that_was_never_scored_has_no_scorers_and_gets_no_score_tables()
    {
        var dir = NewDir();
        var path = WriteStore(dir, withScores: false);

        using (var store = RunStore.OpenReadOnly(path))
        {
            Assert.Empty(store.Scorers("r1"));
            Assert.Empty(store.Scores("r1", "s1"));
            Assert.Equal(0, store.ScoreCount("r1", "s1"));
        }

        using var c = new SqliteConnection($"Data Source={path};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('scorers', 'scores')";
        Assert.Equal(0L, cmd.ExecuteScalar());
    }

    [Fact]
    public void A_store_another_process_keeps_locked_past_the_busy_timeout_is_one_line_naming_it_and_the_samples_stay_unwritten()
    {
        var path = WriteStore(NewDir(), withScores: false);
        using var store = RunStore.Open(path);
        using var other = new SqliteConnection($"Data Source={path};Pooling=False");
        other.Open();
        using var holdsTheWriteLock = other.BeginTransaction(System.Data.IsolationLevel.Serializable, deferred: false);

        // Waits out the busy timeouts (SQLite's 10 s, retried by Microsoft.Data.Sqlite up to its 30 s command timeout) before giving up.
        var e = Assert.Throws<RunStoreWriteException>(() => store.SaveSamples([Sample("b", 1)]));

        Assert.Equal($"{path} is busy: another process is writing to it. Wait for it to finish, or give another --store.", e.Message);
        holdsTheWriteLock.Rollback();
        Assert.Equal(3, store.SampleCount("r1"));
    }

    [PermissionDenialFact]
    public void Opening_a_read_only_store_to_write_names_it_and_says_what_to_do_while_reading_it_still_works()
    {
        var dir = NewDir();
        var path = WriteStore(dir, withScores: true);
        File.SetUnixFileMode(path, ReadOnlyFile);
        File.SetUnixFileMode(dir, ReadOnlyFolder);
        try
        {
            var e = Assert.Throws<RunStoreWriteException>(() => RunStore.Open(path));
            // SQLite says read-only, or cannot-open when it cannot make the -wal file in the folder: both name the store and the fix.
            Assert.StartsWith($"{path} ", e.Message);
            Assert.Contains("writable", e.Message);

            using var store = RunStore.OpenReadOnly(path);
            Assert.Equal(3, store.SampleCount("r1"));
        }
        finally
        {
            File.SetUnixFileMode(dir, WritableFolder);
        }
    }

    [TmpfsFact]
    public void A_full_disk_while_writing_names_the_store_and_keeps_every_whole_transaction()
    {
        using var disk = new SmallTmpfs(256);
        var path = Path.Combine(disk.Path, "runs.db");
        var text = new string('x', 16 * 1024);
        int written = 0;
        RunStoreWriteException? failure = null;
        using (var store = RunStore.Open(path))
        {
            store.EnsureRun(Run());
            store.SaveProblems([Problem("a", 0)]);
            for (var i = 0; i < 64 && failure is null; i++)
            {
                try
                {
                    store.SaveSamples([Sample("a", i) with { Text = text }]);
                    written++;
                }
                catch (RunStoreWriteException e)
                {
                    failure = e;
                }
            }
        }

        Assert.NotNull(failure);
        Assert.Equal($"The disk holding {path} is full. Free space there and rerun: what is stored is kept and the rerun resumes.", failure.Message);
        Assert.True(written > 0, "not one sample fitted on the tmpfs; give it more room");
        using var c = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM samples";
        Assert.Equal((long)written, cmd.ExecuteScalar());
    }
}
