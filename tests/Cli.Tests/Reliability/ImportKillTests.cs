using Microsoft.Data.Sqlite;

namespace BestOfN.Cli.Tests.Reliability;

/// <summary>Kills a real `bestofn import` with SIGKILL as soon as it has stored anything, and checks that every problem it kept is whole.</summary>
public class ImportKillTests
{
    private const int Problems = 6000, Answers = 3;

    /// <summary>A search-and-learn set: every answer ships step scores, so the import writes a scorer too.</summary>
    private static string SearchAndLearnSet()
    {
        var path = Path.Combine(CliRunner.TempDir(), "sal.jsonl");
        File.WriteAllLines(path, Enumerable.Range(0, Problems).Select(i =>
            $$"""{"problem": "What is {{i}} + 1?", "answer": "{{i + 1}}", "unique_id": "p{{i}}", "completions": ["$\\boxed{{{i + 1}}}$", "$\\boxed{{{i}}}$", "no idea"], "scores": [[0.9, 0.8], [0.4], [0.1]]}"""));
        return path;
    }

    private static long RunsOrZero(string store)
    {
        if (!File.Exists(store)) return 0;
        try
        {
            return ChildCli.Count(store, "SELECT COUNT(*) FROM runs");
        }
        catch (SqliteException)
        {
            return 0; // not created yet
        }
    }

    [Fact]
    public void A_killed_import_leaves_no_run_without_problems_no_scorer_without_scores_and_no_partial_problem()
    {
        var file = SearchAndLearnSet();
        var store = Path.Combine(CliRunner.TempDir(), "runs.db");

        using (var child = CliRunner.Start("import", "--format", "search-and-learn", file, "--store", store))
        {
            var deadline = DateTime.UtcNow.AddSeconds(120);
            while (RunsOrZero(store) == 0 && !child.HasExited && DateTime.UtcNow < deadline) Thread.Sleep(5);
            var finishedEarly = child.HasExited;
            child.Kill(entireProcessTree: true);
            child.WaitForExit();
            Assert.False(finishedEarly, "the import finished before it could be killed; make the set larger. " + child.StandardError.ReadToEnd());
        }

        var problems = ChildCli.Count(store, "SELECT COUNT(*) FROM problems");
        Assert.True(problems < Problems, $"the kill should have come mid-import, but all {problems} problems were stored");
        Assert.Equal("ok", Integrity(store));
        Assert.Equal(0, ChildCli.Count(store, "SELECT COUNT(*) FROM runs r WHERE NOT EXISTS (SELECT 1 FROM problems p WHERE p.run_id = r.run_id)"));
        Assert.Equal(0, ChildCli.Count(store, $"SELECT COUNT(*) FROM problems p WHERE (SELECT COUNT(*) FROM samples s WHERE s.run_id = p.run_id AND s.problem_id = p.problem_id) <> {Answers}"));
        if (ChildCli.HasTable(store, "scorers"))
        {
            Assert.Equal(0, ChildCli.Count(store, "SELECT COUNT(*) FROM scorers c WHERE NOT EXISTS (SELECT 1 FROM scores s WHERE s.run_id = c.run_id AND s.scorer_id = c.scorer_id)"));
            Assert.Equal(problems * Answers, ChildCli.Count(store, "SELECT COUNT(*) FROM scores"));
        }

        var resumed = CliRunner.Run("import", "--format", "search-and-learn", file, "--store", store);
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Contains($"{(Problems - problems) * Answers} samples imported, {problems * Answers} already stored", resumed.Output);
        Assert.Equal(Problems * Answers, ChildCli.Count(store, "SELECT COUNT(*) FROM scores"));
    }

    private static string Integrity(string store)
    {
        using var c = new SqliteConnection($"Data Source={store};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA integrity_check";
        return (string)cmd.ExecuteScalar()!;
    }
}
