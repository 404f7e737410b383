using BestOfN.Cli.Tests.Commands;
using BestOfN.Llama.Gguf;

namespace BestOfN.Cli.Tests.Reliability;

/// <summary>Input that cannot work fails before any work is stored, as one line from a real child process.</summary>
public class UpFrontCheckTests
{
    private static readonly Lazy<string> RewardModel = new(() =>
    {
        var path = Path.Combine(CliRunner.TempDir(), "prm.gguf");
        TinyLlamaModel.Write(path, TinyLlamaSpec.RlhflowShapedVerifier);
        return path;
    });

    private static readonly Lazy<string> RewardModelWithoutTemplate = new(() =>
    {
        var path = Path.Combine(CliRunner.TempDir(), "no-template.gguf");
        TinyLlamaModel.Write(path, TinyLlamaSpec.RlhflowShapedVerifier with { ChatTemplate = null });
        return path;
    });

    private static string[] Sample(string dataset, string store, params string[] more) =>
        ["sample", "--model", CliRunner.TinyModel, "--dataset", dataset, "--n", "2", "--max-tokens", "8", "--store", store, .. more];

    [Fact]
    public void A_chat_template_typo_in_score_is_one_line_and_writes_no_scorer()
    {
        var dir = CliRunner.TempDir();
        var db = Path.Combine(dir, "runs.db");
        var file = ImportCommandTests.WriteFile(dir, "set.jsonl", ImportCommandTests.RlhflowFixture);
        Assert.Equal(0, CliRunner.Run("import", "--format", "rlhflow", file, "--store", db).ExitCode);

        var r = ChildCli.Run("score", "--store", db, "--reward-model", RewardModel.Value, "--protocol", "rlhflow-prm", "--chat-template", "llama33",
            "--ctx-size", "4096", "--max-tokens", "1024", "--threads", "2");

        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("error: rlhflow-prm cannot render --chat-template llama33: llama.cpp does not support this chat template", ChildCli.OnlyErrorLine(r));
        Assert.Equal(0, ChildCli.HasTable(db, "scorers") ? ChildCli.Count(db, "SELECT COUNT(*) FROM scorers") : 0);
    }

    [Fact]
    public void Run_checks_that_the_reward_model_can_score_before_it_samples_anything()
    {
        var dir = CliRunner.TempDir();
        var db = Path.Combine(dir, "runs.db");

        var r = ChildCli.Run("run", "--model", CliRunner.TinyModel, "--dataset", $"gsm8k:{CliRunner.Gsm8kFile(2)}", "--store", db,
            "--reward-model", RewardModelWithoutTemplate.Value, "--protocol", "rlhflow-orm", "--n", "2", "--max-tokens", "8");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("has no chat template in its metadata", ChildCli.OnlyErrorLine(r));
        Assert.False(File.Exists(db), "the store was created: sampling started before the reward model was checked");
    }

    [Fact]
    public void An_empty_dataset_is_an_error_naming_the_file_not_an_empty_run()
    {
        var dir = CliRunner.TempDir();
        var data = ImportCommandTests.WriteFile(dir, "empty.jsonl", "\n");
        var db = Path.Combine(dir, "runs.db");

        var r = ChildCli.Run(Sample($"gsm8k:{data}", db));

        Assert.Equal(2, r.ExitCode);
        Assert.Equal($"error: {data}:1: holds no problems; give a dataset with at least one.", ChildCli.OnlyErrorLine(r));
        Assert.False(File.Exists(db));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-2")]
    public void A_limit_below_one_is_an_error_not_an_empty_run(string limit)
    {
        var dir = CliRunner.TempDir();
        var db = Path.Combine(dir, "runs.db");

        var r = ChildCli.Run(Sample($"gsm8k:{CliRunner.Gsm8kFile(3)}", db, "--limit", limit));

        Assert.Equal(2, r.ExitCode);
        Assert.Equal($"error: --limit must be 1 or more, not {limit}.", ChildCli.OnlyErrorLine(r));
        Assert.False(File.Exists(db));
    }

    [Fact]
    public void A_prompt_that_with_max_tokens_exceeds_the_trained_context_is_refused_before_any_sampling_naming_the_problem_and_the_numbers()
    {
        var dir = CliRunner.TempDir();
        var db = Path.Combine(dir, "runs.db");
        var longQuestion = "Sam has 3 apples. " + string.Concat(Enumerable.Repeat("Every apple he has is red and round and sweet. ", 40)) + "How many apples does he have?";
        var data = ImportCommandTests.WriteFile(dir, "long.jsonl",
            $"{{\"question\": \"What is 1 + 1?\", \"answer\": \"#### 2\"}}\n{{\"question\": \"{longQuestion}\", \"answer\": \"#### 3\"}}\n");

        // The tiny model was trained on 4096 positions: the short prompt fits with 3000 new tokens, the long one does not.
        var r = ChildCli.Run("sample", "--model", CliRunner.TinyModel, "--dataset", $"gsm8k:{data}", "--n", "2", "--max-tokens", "3000", "--store", db, "--prompt", "Raw");

        Assert.Equal(2, r.ExitCode);
        var line = ChildCli.OnlyErrorLine(r);
        var m = System.Text.RegularExpressions.Regex.Match(line,
            @"^error: Problem gsm8k-1: its prompt of (\d+) tokens \+ --max-tokens 3000 = (\d+) tokens, more than the 4096 the model was trained on; lower --max-tokens or leave it out \(--problems\)\. Nothing was sampled\.$");
        Assert.True(m.Success, line);
        Assert.Equal(int.Parse(m.Groups[1].Value) + 3000, int.Parse(m.Groups[2].Value));
        Assert.False(File.Exists(db), "the store was created: the check came after the run started");
        Assert.Equal(0, ChildCli.Run(Sample($"gsm8k:{data}", db, "--prompt", "Raw")).ExitCode); // with room, the same problems run
    }

    [Fact]
    public void A_nul_inside_a_question_is_refused_with_file_and_line()
    {
        var dir = CliRunner.TempDir();
        var data = ImportCommandTests.WriteFile(dir, "nul.jsonl", "{\"question\": \"What is 1 + 1?\", \"answer\": \"#### 2\"}\n{\"question\": \"What is 2 + 2?\\u0000 Ignore that.\", \"answer\": \"#### 4\"}\n");

        var r = ChildCli.Run(Sample($"gsm8k:{data}", Path.Combine(dir, "runs.db")));

        Assert.Equal(2, r.ExitCode);
        Assert.Equal($"error: {data}:2: field 'question': holds a NUL character (\\u0000) at offset 14; remove it.", ChildCli.OnlyErrorLine(r));
    }

    [Fact]
    public void Bad_json_and_a_lone_surrogate_are_one_line_each_with_file_and_line()
    {
        var dir = CliRunner.TempDir();
        var badJson = ImportCommandTests.WriteFile(dir, "bad.jsonl", "{\"question\": \"q\", \"answer\": \"#### 1\"}\n\n\n{\"question\": \"q\",}\n");
        var surrogate = ImportCommandTests.WriteFile(dir, "surrogate.jsonl", "{\"question\": \"q\", \"answer\": \"#### 1\"}\n{\"question\": \"\\ud83d alone\", \"answer\": \"#### 1\"}\n");

        var json = ChildCli.Run(Sample($"gsm8k:{badJson}", Path.Combine(dir, "runs.db")));
        var lone = ChildCli.Run(Sample($"gsm8k:{surrogate}", Path.Combine(dir, "runs.db")));

        Assert.Equal((2, 2), (json.ExitCode, lone.ExitCode));
        var jsonLine = ChildCli.OnlyErrorLine(json);
        Assert.StartsWith($"error: {badJson}:4: not valid JSON at byte 18: ", jsonLine);
        Assert.DoesNotContain("LineNumber", jsonLine);
        Assert.StartsWith($"error: {surrogate}:2: field 'question': holds a lone surrogate", ChildCli.OnlyErrorLine(lone));
    }

    [Fact]
    public void Report_of_a_dump_with_a_repeated_problem_and_index_names_both_lines()
    {
        var dir = CliRunner.TempDir();
        var dump = ImportCommandTests.WriteFile(dir, "dump.jsonl", """
            {"problem_id": "p1", "sample_index": 0, "answer": "2", "correct": true}
            {"problem_id": "p1", "sample_index": 1, "answer": "3", "correct": false}
            {"problem_id": "p1", "sample_index": 0, "answer": "2", "correct": true}
            """);

        var r = ChildCli.Run("report", "--samples", dump, "--bootstrap", "0");

        Assert.Equal(2, r.ExitCode);
        Assert.Equal($"error: {dump}:3: field 'sample_index': problem 'p1' sample 0 is also on line 1; a dump must hold each sample once (was it written twice, or are two runs mixed?)",
            ChildCli.OnlyErrorLine(r));
    }
}
