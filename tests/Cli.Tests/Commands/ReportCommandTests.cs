namespace BestOfN.Cli.Tests.Commands;

public class ReportCommandTests
{
    /// <summary>A store with two problems whose samples have known answers, so the table can be checked by hand.</summary>
    private static string HandBuiltStore()
    {
        var path = Path.Combine(CliRunner.TempDir(), "runs.db");
        using (var store = BestOfN.Store.RunStore.Open(path))
        {
            store.EnsureRun(new BestOfN.Store.RunInfo("hand", "import", "gsm8k:hand.jsonl", null, null, "{}", DateTimeOffset.UnixEpoch));
            store.SaveProblems(
            [
                new("hand", "p1", 0, "q1", "5", new Dictionary<string, string>(), null, null),
                new("hand", "p2", 1, "q2", "7", new Dictionary<string, string>(), null, null),
            ]);
            // p1: answers 5, 5, 3 -> pass@1 = 2/3, maj@3 = 1.  p2: answers 1, 2, 7 -> pass@1 = 1/3, maj@3 = 1/3 (a three-way tie).
            string[][] answers = [["5", "5", "3"], ["1", "2", "7"]];
            store.SaveSamples(answers.SelectMany((a, p) => a.Select((x, i) =>
                new BestOfN.Store.StoredSample("hand", $"p{p + 1}", i, i, $"The answer is \\boxed{{{x}}}.", 5, "eos", null, 1, null))));
        }
        return path;
    }

    [Fact]
    public void Report_from_a_store_grades_samples_and_prints_the_hand_checked_table()
    {
        var r = CliRunner.Run("report", "--store", HandBuiltStore(), "--bootstrap", "0");
        Assert.True(r.ExitCode == 0, r.Error);
        // pass@1 = (2/3 + 1/3) / 2 = 50.0; maj@3 = (1 + 1/3) / 2 = 66.7.
        Assert.Contains("| Pass@1 | 50.0 |", r.Output);
        Assert.Contains("| Majority Voting@3 | 66.7 |", r.Output);
        Assert.Contains("gsm8k:hand.jsonl (hand)", r.Output);
    }

    [Fact]
    public void Export_then_report_on_the_dump_gives_the_same_table_as_the_store()
    {
        var store = HandBuiltStore();
        var dump = Path.Combine(CliRunner.TempDir(), "dump.jsonl");
        Assert.Equal(0, CliRunner.Run("export", "--store", store, "--out", dump).ExitCode);
        var fromDump = CliRunner.Run("report", "--samples", dump, "--bootstrap", "0");
        Assert.True(fromDump.ExitCode == 0, fromDump.Error);
        Assert.Contains("| Pass@1 | 50.0 |", fromDump.Output);
        Assert.Contains("| Majority Voting@3 | 66.7 |", fromDump.Output);
    }

    [Fact]
    public void An_unknown_run_is_a_clear_error()
    {
        var r = CliRunner.Run("report", "--store", HandBuiltStore(), "--run", "nope");
        Assert.Equal(2, r.ExitCode); // unusable input
        Assert.Contains("No run 'nope'", r.Error);
        Assert.Contains("hand", r.Error);
    }

    /// <summary>Adds a scorer with one score list per sample (p1's three samples, then p2's); null leaves a sample unscored.</summary>
    private static void AddScorer(string path, string id, bool steps, int order, params double[]?[] scores)
    {
        using var store = BestOfN.Store.RunStore.Open(path);
        store.EnsureScorer(new BestOfN.Store.ScorerInfo("hand", id, steps ? "rlhflow-prm" : "rlhflow-orm", steps, null, null, "{}", "{}", DateTimeOffset.UnixEpoch.AddDays(order)));
        store.SaveScores("hand", id, scores.Select((s, i) => (s, i)).Where(x => x.s is not null).Select(x =>
            new BestOfN.Store.StoredScore($"p{x.i / 3 + 1}", x.i % 3, "ok", steps ? x.s! : [], steps ? null : x.s![0], [], x.s!.Length, 0, 0)));
    }

    [Fact]
    public void Several_scorers_of_a_kind_get_a_column_each_named_after_its_scorer_and_scorer_selects_one()
    {
        var path = HandBuiltStore();
        // Gold 5 (answers 5, 5, 3) and gold 7 (answers 1, 2, 7): prm-good ranks a right answer first in both, prm-bad a wrong one.
        AddScorer(path, "prm-good", steps: true, 1, [0.9], [0.8], [0.1], [0.1], [0.2], [0.9]);
        AddScorer(path, "prm-bad", steps: true, 2, [0.1], [0.2], [0.9], [0.9], [0.2], [0.1]);
        AddScorer(path, "orm-half", steps: false, 3, [0.5], [0.5], null, [0.5], [0.5], [0.5]);

        var r = CliRunner.Run("report", "--store", path, "--bootstrap", "0");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("gsm8k:hand.jsonl (hand) · PRM prm-good (rlhflow-prm) | gsm8k:hand.jsonl (hand) · PRM prm-bad (rlhflow-prm) |", r.Output);
        Assert.Contains("| PRM@3 (min) | 100.0 | 0.0 |", r.Output);
        Assert.Contains("| Pass@1 | 50.0 | 50.0 |", r.Output); // the scorers never touch the other rows
        // The ORM scored 5 of 6 samples: it is left out and said so, never read as a zero.
        Assert.Contains("| ORM@3 | n/a | n/a |", r.Output);
        Assert.Contains("Note: gsm8k:hand.jsonl (hand): scorer orm-half (rlhflow-orm) has no score for 1 of 6 samples", r.Output);

        var one = CliRunner.Run("report", "--store", path, "--bootstrap", "0", "--scorer", "prm-bad");
        Assert.True(one.ExitCode == 0, one.Error);
        Assert.Contains("| PRM@3 (min) | 0.0 |", one.Output);
        Assert.DoesNotContain("prm-good", one.Output);

        var unknown = CliRunner.Run("report", "--store", path, "--scorer", "nope");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("no scorer 'nope'; its scorers: prm-good, prm-bad, orm-half", unknown.Error);
    }

    [Fact]
    public void First_n_selection_with_mean_aggregation_equals_rlhflows_rule_on_an_imported_set()
    {
        var dir = CliRunner.TempDir();
        string[] golds = ["5", "7"];
        string[][] answers = [["5", "5", "3"], ["1", "2", "7"]];
        double[][][] scores = [[[0.3, 0.9], [0.5], [0.55]], [[0.6], [0.2], [0.6]]];
        var lines = golds.Select((g, p) => System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["problem"] = $"What is question {p}?",
            ["answer"] = g,
            ["unique_id"] = $"p{p}",
            ["completions"] = answers[p].Select(a => $"The answer is $\\boxed{{{a}}}$.").ToArray(),
            ["scores"] = scores[p],
        }));
        var file = ImportCommandTests.WriteFile(dir, "sal.jsonl", string.Join("\n", lines));
        var db = Path.Combine(dir, "runs.db");
        Assert.Equal(0, CliRunner.Run("import", "--format", "search-and-learn", file, "--store", db).ExitCode);

        // RLHFlow's rule, directly: per problem the first answer with the highest mean step score among the first N, then the mean over problems.
        var direct = scores.Select((problem, p) =>
        {
            var means = problem.Select(steps => steps.Sum() / steps.Length).ToList();
            return answers[p][means.IndexOf(means.Max())] == golds[p] ? 1.0 : 0.0;
        }).Average();
        var r = CliRunner.Run("report", "--store", db, "--bootstrap", "0", "--ks", "3", "--selection", "first-n", "--prm-aggregation", "mean");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains($"| PRM@3 (mean, first-n) | {100 * direct:0.0} |", r.Output);
        Assert.Equal(50.0, 100 * direct); // p1: mean 0.6 of a right answer; p2: the first of two 0.6 ties is wrong

        // The exact curves share the tie instead: p2 counts one half.
        var shared = CliRunner.Run("report", "--store", db, "--bootstrap", "0", "--ks", "3", "--prm-aggregation", "mean");
        Assert.Contains("| PRM@3 (mean) | 75.0 |", shared.Output);
    }
}
