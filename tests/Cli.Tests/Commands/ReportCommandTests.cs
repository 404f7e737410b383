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

    private const string HandColumn = "gsm8k:hand.jsonl (hand)";

    [Fact]
    public void Format_json_prints_one_shape_and_the_json_file_holds_the_same()
    {
        var store = HandBuiltStore();
        var file = Path.Combine(CliRunner.TempDir(), "curves.json");
        var r = CliRunner.Run("report", "--store", store, "--bootstrap", "0", "--format", "json", "--json", file);
        Assert.True(r.ExitCode == 0, r.Error);
        using var json = System.Text.Json.JsonDocument.Parse(r.Output);
        var maj3 = json.RootElement.GetProperty(HandColumn).GetProperty("all").GetProperty("maj").GetProperty("3");
        Assert.Equal(2.0 / 3, maj3.GetProperty("value").GetDouble(), 1e-12);
        Assert.Equal(2, maj3.GetProperty("problems").GetInt32());
        Assert.Equal(r.Output, File.ReadAllText(file)); // the same bytes
        Assert.DoesNotContain("| Pass@1", r.Output);
    }

    [Fact]
    public void Format_latex_prints_a_booktabs_table_with_the_same_rows()
    {
        var r = CliRunner.Run("report", "--store", HandBuiltStore(), "--bootstrap", "0", "--format", "latex");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("\\begin{tabular}{lr}\n\\toprule\nMetric & gsm8k:hand.jsonl (hand) \\\\\n\\midrule\nPass@1 & 50.0 \\\\\n", r.Output.ReplaceLineEndings("\n"));
        Assert.Contains("Majority Voting@3 & 66.7 \\\\", r.Output);
        Assert.Contains("\\bottomrule", r.Output);
    }

    [Fact]
    public void Chosen_ks_give_rows_at_each_k_with_pass_at_n_and_a_k_past_every_n_names_the_k_used()
    {
        var r = CliRunner.Run("report", "--store", HandBuiltStore(), "--bootstrap", "0", "--ks", "1,2,8");
        Assert.True(r.ExitCode == 0, r.Error);
        // p1 answers 5, 5, 3 (gold 5) and p2 1, 2, 7 (gold 7), three samples each: k = 8 uses 3.
        Assert.Contains("| Majority Voting@1 | 50.0 |", r.Output);
        Assert.Contains("| Majority Voting@3 (k=8 asked) | 66.7 |", r.Output);
        Assert.Contains("| Pass@3 (oracle; k=8 asked) | 100.0 |", r.Output);
        // pass@2: p1 1 - C(1,2)/C(3,2) = 1, p2 1 - C(2,2)/C(3,2) = 2/3.
        Assert.Contains("| Pass@2 (oracle) |", CliRunner.Run("report", "--store", HandBuiltStore(), "--bootstrap", "0", "--ks", "1,2").Output);
    }

    [Fact]
    public void An_unknown_by_field_is_checked_across_every_dataset_and_lists_each_datasets_fields()
    {
        var dir = CliRunner.TempDir();
        var dump = Path.Combine(dir, "levels.jsonl");
        File.WriteAllLines(dump,
        [
            """{"problem_id": "a", "answer": "1", "correct": true, "level": 1}""",
            """{"problem_id": "b", "answer": "2", "correct": false, "level": 2}""",
        ]);
        var store = HandBuiltStore();

        // The dump has the field and the store's run has none: the dump is broken down, the run is named in a note.
        var r = CliRunner.Run("report", "--samples", dump, "--store", store, "--bootstrap", "0", "--by", "level");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("levels by level:", r.Output);
        Assert.Contains($"Note: {HandColumn}: no problem has the field 'level', so it is not broken down by it.", r.Output);

        // In no dataset: an error listing the fields of each, whichever comes first.
        var typo = CliRunner.Run("report", "--store", store, "--samples", dump, "--bootstrap", "0", "--by", "levle");
        Assert.Equal(2, typo.ExitCode);
        Assert.Contains("error: --by levle: no problem has this field; the fields are:", typo.Error);
        Assert.Contains("error: levels: level", typo.Error);
        Assert.Contains($"error: {HandColumn}: (none)", typo.Error);
        Assert.DoesNotContain("(missing)", typo.Output);
    }

    [Fact]
    public void A_prm_column_of_logits_keeps_the_pass_and_majority_rows_and_says_why_its_rows_are_missing()
    {
        var path = HandBuiltStore();
        AddScorer(path, "prm-logits", steps: true, 1, [2.5], [-1.0], [0.1], [0.1], [0.2], [0.9]);

        var r = CliRunner.Run("report", "--store", path, "--bootstrap", "0");

        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("| Pass@1 | 50.0 |", r.Output);
        Assert.Contains("| Majority Voting@3 | 66.7 |", r.Output);
        Assert.Contains("| PRM@3 (min) | n/a |", r.Output);
        Assert.Contains("PRM rows left out: 2 samples without a usable PRM score: problem 'p1' sample 0: PRM step 1 is 2.5, not a probability in [0, 1]", r.Output);
    }

    [Fact]
    public void Answer_keys_whose_labels_disagree_are_counted_under_the_table_and_listed_in_the_json()
    {
        var path = Path.Combine(CliRunner.TempDir(), "labels.db");
        using (var store = BestOfN.Store.RunStore.Open(path))
        {
            store.EnsureRun(new BestOfN.Store.RunInfo("lab", "import", "set.jsonl", null, null, "{}", DateTimeOffset.UnixEpoch));
            store.SaveProblems([new("lab", "p1", 0, "q1", "5", new Dictionary<string, string>(), null, null), new("lab", "p2", 1, "q2", "7", new Dictionary<string, string>(), null, null)]);
            // p1: two samples answer 5, labelled 1 and 0 by the set's own grader; p2's labels agree.
            (string Problem, string Answer, bool Label)[] samples = [("p1", "5", true), ("p1", "5", false), ("p1", "3", false), ("p2", "7", true), ("p2", "1", false)];
            store.SaveSamples(samples.Select((x, i) => new BestOfN.Store.StoredSample("lab", x.Problem, i, i, $"The answer is {x.Answer}.", 4, "eos", null, 1, x.Label)));
        }
        var json = Path.Combine(CliRunner.TempDir(), "curves.json");
        var r = CliRunner.Run("report", "--store", path, "--bootstrap", "0", "--json", json);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("Note: set.jsonl (lab): 1 answer key was split in 1 problem because the labels of their samples disagree (the JSON lists the problems).", r.Output);
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(json));
        var maj = doc.RootElement.GetProperty("set.jsonl (lab)").GetProperty("all").GetProperty("maj");
        Assert.All(maj.EnumerateObject(), k => Assert.Equal(["p1"], k.Value.GetProperty("split_key_problems").EnumerateArray().Select(e => e.GetString())));
    }
}
