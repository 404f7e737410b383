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
}
