using BestOfN.Store;
using Microsoft.Data.Sqlite;

namespace BestOfN.Store.Tests;

public class RunStoreTests
{
    private static string NewPath() => Path.Combine(Directory.CreateTempSubdirectory("bestofn-store").FullName, "runs.db");

    private static RunInfo Run(string id = "r1", string config = "{\"a\":1}") =>
        new(id, "sample", "gsm8k:test.jsonl", "/m.gguf", "abc", config, DateTimeOffset.Parse("2026-01-01T00:00:00Z"));

    private static StoredProblem Problem(string id, int position) =>
        new("r1", id, position, $"question {id}", "42", new Dictionary<string, string> { ["level"] = "3" }, "PROMPT " + id, 7);

    private static StoredSample Sample(string problem, int index, string text = "t") =>
        new("r1", problem, index, 1000 + index, text, 5, "eos", null, 1.5, null);

    [Fact]
    public void Samples_round_trip_in_problem_then_index_order()
    {
        using var store = RunStore.Open(NewPath());
        store.EnsureRun(Run());
        store.SaveProblems([Problem("b", 1), Problem("a", 0)]);
        store.SaveSamples([Sample("b", 1), Sample("b", 0), Sample("a", 2)]);
        var samples = store.Samples("r1").ToList();
        Assert.Equal([("a", 2), ("b", 0), ("b", 1)], samples.Select(s => (s.ProblemId, s.Index)));
        Assert.Equal(1002, samples[0].Seed);
        var problem = store.Problems("r1")[0];
        Assert.Equal(("a", "PROMPT a", 7, "3"), (problem.ProblemId, problem.Prompt, problem.PromptTokens, problem.Fields["level"]));
    }

    [Fact]
    public void A_sample_is_stored_once_per_run_problem_and_index_and_the_first_write_wins()
    {
        using var store = RunStore.Open(NewPath());
        store.EnsureRun(Run());
        store.SaveProblems([Problem("a", 0)]);
        Assert.Equal(2, store.SaveSamples([Sample("a", 0, "first"), Sample("a", 1)]));
        Assert.Equal(1, store.SaveSamples([Sample("a", 0, "second"), Sample("a", 2)]));
        Assert.Equal(3, store.SampleCount("r1"));
        Assert.Equal("first", store.Samples("r1").First().Text);
        Assert.Equal(new HashSet<int> { 0, 1, 2 }, store.SampleIndices("r1", "a"));
    }

    [Fact]
    public void Reopening_keeps_everything_and_a_run_with_another_config_under_the_same_id_is_refused()
    {
        var path = NewPath();
        using (var store = RunStore.Open(path))
        {
            store.EnsureRun(Run());
            store.SaveProblems([Problem("a", 0)]);
            store.SaveSamples([Sample("a", 0)]);
        }
        using var reopened = RunStore.Open(path);
        Assert.Equal("r1", Assert.Single(reopened.Runs()).RunId);
        Assert.Equal(Run(), reopened.EnsureRun(Run()));
        var e = Assert.Throws<InvalidOperationException>(() => reopened.EnsureRun(Run(config: "{\"a\":2}")));
        Assert.Contains("another configuration", e.Message);
        Assert.Equal(1, reopened.SampleCount("r1"));
    }

    [Fact]
    public void The_store_uses_a_wal_journal()
    {
        var path = NewPath();
        using (RunStore.Open(path)) { }
        using var c = new SqliteConnection($"Data Source={path};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", cmd.ExecuteScalar());
    }

    [Fact]
    public void Model_hash_is_the_sha256_of_the_file_and_changes_when_the_file_does()
    {
        var dir = Directory.CreateTempSubdirectory("bestofn-hash").FullName;
        var model = Path.Combine(dir, "m.gguf");
        File.WriteAllText(model, "abc");
        using var store = RunStore.Open(Path.Combine(dir, "runs.db"));
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", store.ModelHash(model));
        Assert.Equal(store.ModelHash(model), store.ModelHash(model));
        File.WriteAllText(model, "abcd");
        File.SetLastWriteTimeUtc(model, DateTime.UtcNow.AddMinutes(1));
        Assert.NotEqual("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", store.ModelHash(model));
    }

    [Fact]
    public void A_file_that_is_not_a_store_gives_a_clear_error()
    {
        var path = NewPath();
        File.WriteAllText(path, new string('x', 4096));
        var e = Assert.Throws<InvalidDataException>(() => RunStore.Open(path));
        Assert.Contains("not a BestOfN run store", e.Message);
    }
}
