using BestOfN.Pipeline;
using BestOfN.Store;

namespace BestOfN.Cli.Tests.Commands;

public class ImportCommandTests
{
    internal const string RlhflowFixture = """
        {"prompt": "Sam has 3 apples and buys 4 more. How many apples does he have?", "answers": ["Step 1: 3 + 4 = 7 ки\nStep 2: The answer is 7 ки", "Step 1: 3 + 4 = 8 ки\nStep 2: so 8 ки", "the answer is 7"], "label": [1, 0, 1]}
        {"prompt": "What is 12 divided by 4?", "answers": ["12 / 4 = 3\n\nThe answer is 3.", "12 / 4 = 4\n\nso 4", "  "], "label": [1, 0, 0]}
        """;

    internal static string WriteFile(string dir, string name, string text)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Import_of_an_rlhflow_set_keeps_labels_and_a_rerun_adds_nothing()
    {
        var dir = CliRunner.TempDir();
        var file = WriteFile(dir, "Mistral-GSM8K-Test.jsonl", RlhflowFixture);
        var db = Path.Combine(dir, "runs.db");
        var r = CliRunner.Run("import", "--format", "rlhflow", file, "--store", db);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("2 problems, 6 samples imported", r.Output);
        Assert.Contains("6 samples carry the shipped label", r.Output);

        using (var store = RunStore.Open(db))
        {
            var run = Assert.Single(store.Runs());
            Assert.Equal("import", run.Kind);
            Assert.Equal([true, false, true, true, false, false], store.Samples(run.RunId).Select(s => s.Label!.Value));
            Assert.Equal("What is 12 divided by 4?", store.Problems(run.RunId)[1].Question);
        }
        var again = CliRunner.Run("import", "--format", "rlhflow", file, "--store", db);
        Assert.Contains("0 samples imported, 6 already stored", again.Output);
    }

    [Fact]
    public void Gold_from_a_dataset_lets_the_labels_be_regraded_and_disagreements_reported()
    {
        var dir = CliRunner.TempDir();
        var file = WriteFile(dir, "Mistral-GSM8K-Test.jsonl", RlhflowFixture);
        var gold = WriteFile(dir, "test.jsonl", """
            {"question": "Sam has 3 apples and buys 4 more. How many apples does he have?", "answer": "3 + 4 = 7\n#### 7"}
            {"question": "What is 12  divided by 4?", "answer": "12 / 4 = 3\n#### 3"}
            """);
        var r = CliRunner.Run("import", "--format", "rlhflow", file, "--store", Path.Combine(dir, "runs.db"), "--gold", $"gsm8k:{gold}");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("gold: 2 of 2 problems matched", r.Output);
        // Labels 1,0,1 | 1,0,0 against our grades correct,wrong,correct | correct,wrong,(no answer: wrong): all six agree.
        Assert.Contains("labels vs our grading: 6 of 6 agree (100.0%); 0 labelled correct but graded wrong, 0 labelled wrong but graded correct", r.Output);
    }

    [Fact]
    public void Gold_matching_fewer_problems_than_min_gold_match_imports_nothing_and_says_which()
    {
        var dir = CliRunner.TempDir();
        var file = WriteFile(dir, "Mistral-GSM8K-Test.jsonl", RlhflowFixture);
        var gold = WriteFile(dir, "test.jsonl", """
            {"question": "Sam has 3 apples and buys 4 more. How many apples does he have?", "answer": "3 + 4 = 7\n#### 7"}
            {"question": "Something else entirely?", "answer": "1\n#### 1"}
            """);
        var db = Path.Combine(dir, "runs.db");
        var r = CliRunner.Run("import", "--format", "rlhflow", file, "--store", db, "--gold", $"gsm8k:{gold}");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("1 of 2 problems matched a question (50.0%), fewer than --min-gold-match 0.9", r.Error);
        Assert.Contains("'What is 12 divided by 4?'", r.Error);
        Assert.False(File.Exists(db));

        var lowered = CliRunner.Run("import", "--format", "rlhflow", file, "--store", db, "--gold", $"gsm8k:{gold}", "--min-gold-match", "0.5");
        Assert.True(lowered.ExitCode == 0, lowered.Error);
        Assert.Contains("gold: 1 of 2 problems matched", lowered.Output);
        Assert.Contains("(1 unmatched)", lowered.Output);
    }

    [Fact]
    public void Bad_lines_and_wrong_label_lengths_fail_with_file_and_line()
    {
        var dir = CliRunner.TempDir();
        var file = WriteFile(dir, "bad.jsonl", """
            {"prompt": "p", "answers": ["a", "b"], "label": [1, 0]}
            {"prompt": "q", "answers": ["a", "b"], "label": [1]}
            not json
            """);
        var r = CliRunner.Run("import", "--format", "rlhflow", file, "--store", Path.Combine(dir, "runs.db"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"{file}:2: 'label' has 1 entries but 'answers' has 2", r.Error);
        Assert.Contains($"{file}:3: not valid JSON", r.Error);
        Assert.False(File.Exists(Path.Combine(dir, "runs.db")));
    }

    [Fact]
    public void An_import_in_16_shards_merges_into_the_whole_import_with_its_scores()
    {
        var dir = CliRunner.TempDir();
        var file = WriteFile(dir, "sal.jsonl", string.Join('\n', Enumerable.Range(0, 10).Select(i =>
            $$"""{"problem": "What is {{i}}+1?", "answer": "{{i + 1}}", "unique_id": "test/{{i}}.json", "completions": ["$\\boxed{{{i + 1}}}$", "$\\boxed{0}$"], "scores": [[0.9, 0.{{i}}], [0.2]]}""")));
        var whole = Path.Combine(dir, "whole.db");
        Assert.Equal(0, CliRunner.Run("import", "--format", "search-and-learn", file, "--store", whole).ExitCode);
        var shardStore = Path.Combine(dir, "runs.db");
        var imported = 0;
        for (var i = 0; i < 16; i++)
        {
            var r = CliRunner.Run("import", "--format", "search-and-learn", file, "--store", shardStore, "--shard", $"{i}/16");
            Assert.True(r.ExitCode == 0, r.Error);
            Assert.Contains($"(shard {i}/16)", r.Output);
            imported += int.Parse(r.Output.Split(": ")[1].Split(' ')[0]);
        }
        Assert.Equal(10, imported); // some shards hold none of the 10 problems, and import nothing

        var merged = Path.Combine(dir, "merged.db");
        var m = CliRunner.Run(["merge", merged, .. Directory.GetFiles(dir, "runs.shard-*-of-016.db")]);
        Assert.True(m.ExitCode == 0, m.Error + m.Output);
        Assert.Contains("10 of 10 problems, 20 samples stored", m.Output); // an import ships its own samples per problem: no N to miss
        Assert.Equal(ExportWithScores(whole), ExportWithScores(merged));
    }

    private static string ExportWithScores(string db)
    {
        using var store = RunStore.OpenReadOnly(db);
        var writer = new StringWriter();
        SampleExport.Write(store, store.Runs(), writer, [new ScoreColumns(store)]);
        Assert.Contains("prm_scores", writer.ToString());
        return writer.ToString();
    }

    [Fact]
    public void Search_and_learn_scores_are_exported_as_prm_scores()
    {
        var dir = CliRunner.TempDir();
        var file = WriteFile(dir, "sal.jsonl", """
            {"problem": "What is $1+1$?", "answer": "2", "unique_id": "test/1.json", "completions": ["$\\boxed{2}$", "$\\boxed{3}$"], "scores": [[0.9, 0.8], [0.2]]}
            """);
        var db = Path.Combine(dir, "runs.db");
        var r = CliRunner.Run("import", "--format", "search-and-learn", file, "--store", db);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("2 shipped scores stored as scorer 'imported'", r.Output);
        using var store = RunStore.Open(db);
        var writer = new StringWriter();
        SampleExport.Write(store, store.Runs(), writer, [new ScoreColumns(store)]);
        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("\"prm_scores\":[0.9,0.8]", lines[0]);
        Assert.Contains("\"prm_scores\":[0.2]", lines[1]);
        Assert.Contains("\"gold\":\"2\"", lines[0]);
    }

    [Fact]
    public void Logits_shipped_as_step_scores_are_refused_at_import_with_file_line_and_field()
    {
        var dir = CliRunner.TempDir();
        var file = WriteFile(dir, "sal.jsonl", """
            {"problem": "What is $1+1$?", "answer": "2", "unique_id": "a", "completions": ["One.\n\nSo $\\boxed{2}$", "$\\boxed{3}$"], "scores": [[0.9, 0.8], [0.2]]}
            {"problem": "What is $2+2$?", "answer": "4", "unique_id": "b", "completions": ["Two.\n\nSo $\\boxed{4}$", "$\\boxed{5}$"], "scores": [[1.7, -2.4], [0.1]]}
            """);
        var db = Path.Combine(dir, "runs.db");

        var r = CliRunner.Run("import", "--format", "search-and-learn", file, "--store", db);

        Assert.Equal(2, r.ExitCode);
        Assert.Equal(
            $"error: {file}:2: 'scores'[0]: PRM step 1 is 1.7, not a probability in [0, 1] (raw logits or an ORM score?); give --scores-as orm if they are ORM scores",
            r.Error.Trim());
        Assert.False(File.Exists(db)); // nothing imported
    }

    [Fact]
    public void One_orm_score_per_answer_in_a_list_is_asked_about_then_imported_as_orm_with_scores_as()
    {
        var dir = CliRunner.TempDir();
        var file = WriteFile(dir, "sal.jsonl", """
            {"problem": "What is $1+1$?", "answer": "2", "unique_id": "a", "completions": ["One.\n\nSo $\\boxed{2}$", "One.\n\nSo $\\boxed{3}$"], "scores": [[2.5], [-1.0]]}
            {"problem": "What is $2+2$?", "answer": "4", "unique_id": "b", "completions": ["Two.\n\nSo $\\boxed{5}$", "Two.\n\nSo $\\boxed{4}$"], "scores": [[0.3], [0.1]]}
            """);
        var db = Path.Combine(dir, "runs.db");

        var asked = CliRunner.Run("import", "--format", "search-and-learn", file, "--store", db);
        Assert.Equal(2, asked.ExitCode);
        Assert.Contains("Give --scores-as orm or --scores-as prm", asked.Error);

        var r = CliRunner.Run("import", "--format", "search-and-learn", file, "--store", db, "--scores-as", "orm");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("4 shipped scores stored as scorer 'imported' (ORM scores)", r.Output);
        var report = CliRunner.Run("report", "--store", db, "--bootstrap", "0");
        Assert.True(report.ExitCode == 0, report.Error);
        // a: the top score 2.5 is the right answer; b: 0.3 is the wrong one.
        Assert.Contains("| ORM@2 | 50.0 |", report.Output);
        Assert.Contains("| PRM@2 (min) | n/a |", report.Output);
        Assert.Contains("| Pass@1 | 50.0 |", report.Output);
    }

    [Fact]
    public void Gold_matches_prompts_wrapped_in_a_chat_template_and_split_keys_are_counted()
    {
        var dir = CliRunner.TempDir();
        const string llama3 = "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n<|eot_id|><|start_header_id|>user<|end_header_id|>\n\n";
        var lines = new[]
        {
            new { prompt = llama3 + "Sam has 3 apples and buys 4 more. How many apples does he have?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n", answers = new[] { "The answer is 7", "So the answer is 7", "The answer is 8" }, label = new[] { 1, 0, 0 } },
            new { prompt = "<s>[INST] Please reason step by step.\n\nWhat is 12 divided by 4? [/INST]", answers = new[] { "The answer is 3", "The answer is 4", "x" }, label = new[] { 1, 0, 0 } },
        }.Select(l => System.Text.Json.JsonSerializer.Serialize(l));
        var file = WriteFile(dir, "Mistral-GSM8K-Test.jsonl", string.Join("\n", lines));
        var gold = WriteFile(dir, "test.jsonl", """
            {"question": "Sam has 3 apples and buys 4 more. How many apples does he have?", "answer": "3 + 4 = 7\n#### 7"}
            {"question": "What is 12 divided by 4?", "answer": "12 / 4 = 3\n#### 3"}
            """);

        var r = CliRunner.Run("import", "--format", "rlhflow", file, "--store", Path.Combine(dir, "runs.db"), "--gold", $"gsm8k:{gold}");

        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("gold: 2 of 2 problems matched", r.Output);
        // "7" is labelled 1 once and 0 once: one key, split by the report.
        Assert.Contains("labels: 1 answer keys in 1 problems hold samples labelled both ways", r.Output);
    }
}
