using System.Text.Json;
using BestOfN.Llama.Gguf;
using BestOfN.Pipeline;
using BestOfN.Store;

namespace BestOfN.Cli.Tests.Commands;

public class ScoreCommandTests
{
    private static readonly Lazy<string> RewardModel = new(() =>
    {
        var path = Path.Combine(CliRunner.TempDir(), "prm.gguf");
        TinyLlamaModel.Write(path, TinyLlamaSpec.RlhflowShapedVerifier);
        return path;
    });

    private static (string Db, string Dir) ImportedStore()
    {
        var dir = CliRunner.TempDir();
        var file = ImportCommandTests.WriteFile(dir, "set.jsonl", ImportCommandTests.RlhflowFixture);
        var db = Path.Combine(dir, "runs.db");
        Assert.Equal(0, CliRunner.Run("import", "--format", "rlhflow", file, "--store", db).ExitCode);
        return (db, dir);
    }

    private static List<JsonElement> Export(string db)
    {
        using var store = RunStore.Open(db);
        var writer = new StringWriter();
        SampleExport.Write(store, store.Runs(), writer, [new ScoreColumns(store)]);
        return writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
    }

    [Fact]
    public void Scoring_each_shard_store_then_merging_gives_the_scores_of_the_whole_store()
    {
        var dir = CliRunner.TempDir();
        var file = ImportCommandTests.WriteFile(dir, "set.jsonl", string.Join('\n', Enumerable.Range(0, 6).Select(i =>
            $$"""{"prompt": "What is {{i}} + 1?", "answers": ["Step 1: {{i}} + 1 = {{i + 1}} ки\nStep 2: The answer is {{i + 1}} ки", "Step 1: so 0 ки"], "label": [1, 0]}""")));
        var whole = Path.Combine(dir, "whole.db");
        var shards = Path.Combine(dir, "runs.db");
        string[] scoring = ["--reward-model", RewardModel.Value, "--protocol", "rlhflow-orm", "--batch", "2", "--ctx-size", "1024", "--max-tokens", "512", "--threads", "1"];
        Assert.Equal(0, CliRunner.Run("import", "--format", "rlhflow", file, "--store", whole).ExitCode);
        var scored = CliRunner.Run(["score", "--store", whole, .. scoring]);
        Assert.True(scored.ExitCode == 0, scored.Error);
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(0, CliRunner.Run("import", "--format", "rlhflow", file, "--store", shards, "--shard", $"{i}/2").ExitCode);
            var r = CliRunner.Run(["score", "--store", shards, "--shard", $"{i}/2", .. scoring]);
            Assert.True(r.ExitCode == 0, r.Error);
            Assert.Contains($"runs.shard-00{i}-of-002.db", r.Output);
        }
        var missing = CliRunner.Run(["score", "--store", shards, "--shard", "2/3", .. scoring]);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("runs.shard-002-of-003.db", missing.Error);

        var merged = Path.Combine(dir, "merged.db");
        var m = CliRunner.Run("merge", merged, Path.Combine(dir, "runs.shard-000-of-002.db"), Path.Combine(dir, "runs.shard-001-of-002.db"));
        Assert.True(m.ExitCode == 0, m.Error + m.Output);
        var lines = Export(merged);
        Assert.Equal(12, lines.Count);
        Assert.All(lines, l => Assert.True(l.TryGetProperty("orm_score", out _), l.ToString()));
        Assert.Equal(Export(whole).Select(l => l.ToString()), lines.Select(l => l.ToString()));
    }

    [Fact]
    public void Report_from_a_scored_store_fills_the_orm_and_prm_rows()
    {
        var (db, _) = ImportedStore();
        string[] common = ["--store", db, "--reward-model", RewardModel.Value, "--batch", "2", "--ctx-size", "4096", "--max-tokens", "1024", "--threads", "2"];
        Assert.Equal(0, CliRunner.Run(["score", "--protocol", "rlhflow-prm", .. common]).ExitCode);
        Assert.Equal(0, CliRunner.Run(["score", "--protocol", "rlhflow-orm", .. common]).ExitCode);

        var r = CliRunner.Run("report", "--store", db, "--bootstrap", "0", "--ks", "1,3");
        Assert.True(r.ExitCode == 0, r.Error);
        // Labels 1,0,1 and 1,0,0: pass@1 = (2/3 + 1/3) / 2. The reward rows are filled (the blank answer is one empty step, scored).
        Assert.Contains("| Pass@1 | 50.0 |", r.Output);
        Assert.Matches(@"\| ORM@3 \| \d+\.\d \|", r.Output);
        Assert.Matches(@"\| PRM@3 \(min\) \| \d+\.\d \|", r.Output);
    }

    [Fact]
    public void Score_writes_step_scores_a_rerun_resumes_and_export_adds_prm_and_orm_scores()
    {
        var (db, _) = ImportedStore();
        string[] common = ["--store", db, "--reward-model", RewardModel.Value, "--batch", "2", "--ctx-size", "4096", "--max-tokens", "1024", "--threads", "2"];
        var r = CliRunner.Run(["score", "--protocol", "rlhflow-prm", .. common]);
        Assert.True(r.ExitCode == 0, r.Error + r.Output);
        Assert.Contains("6 answers scored, 0 already stored", r.Output);
        Assert.Contains("statuses: ok 6, truncated 0, no-complete-step 0", r.Output); // the blank answer is one empty step, as in the reference
        Assert.Contains("kv layout: split", r.Output); // --kv auto: 2 streams of 2048 cells hold every sequence
        Assert.Contains("answers/s", r.Error);
        Assert.Contains("scored tok/s", r.Error);

        var rerun = CliRunner.Run(["score", "--protocol", "rlhflow-prm", .. common]);
        Assert.Contains("0 answers scored, 6 already stored", rerun.Output);

        var orm = CliRunner.Run(["score", "--protocol", "rlhflow-orm", "--kv", "unified", .. common]);
        Assert.True(orm.ExitCode == 0, orm.Error);
        Assert.Contains("kv layout: unified", orm.Output);

        var lines = Export(db);
        Assert.Equal(6, lines.Count);
        Assert.Equal([2, 2, 1, 2, 2, 1], lines.Select(l => l.GetProperty("prm_scores").GetArrayLength()));
        Assert.All(lines.SelectMany(l => l.GetProperty("prm_scores").EnumerateArray()), v => Assert.InRange(v.GetDouble(), 0, 1));
        Assert.All(lines, l => Assert.InRange(l.GetProperty("orm_score").GetDouble(), 0, 1));
        Assert.True(lines[0].GetProperty("label").GetBoolean());

        using var store = RunStore.Open(db);
        var run = store.Runs().Single();
        var scorers = store.Scorers(run.RunId);
        Assert.Equal(["rlhflow-prm", "rlhflow-orm"], scorers.Select(s => s.Protocol));
        using var manifest = JsonDocument.Parse(scorers[0].ManifestJson);
        Assert.Equal("+", manifest.RootElement.GetProperty("good_token").GetProperty("piece").GetString());
        Assert.Contains("read_positions", scorers[0].ManifestJson);
    }

    [Fact]
    public void Show_prompt_prints_the_llama31_conversation_dropping_empty_steps_is_an_option_and_truncated_answers_are_counted()
    {
        var (db, _) = ImportedStore();
        string[] common = ["--store", db, "--reward-model", RewardModel.Value, "--batch", "2", "--ctx-size", "4096", "--threads", "2"];
        var shown = CliRunner.Run(["score", "--show-prompt", "--max-tokens", "50", .. common]);
        Assert.True(shown.ExitCode == 0, shown.Error + shown.Output);
        Assert.Contains("input of the first answer, as the model reads it:\n<|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023", shown.Output);
        Assert.Contains("<|start_header_id|>user<|end_header_id|>\n\nSam has 3 apples and buys 4 more. How many apples does he have? Step 1: 3 + 4 = 7<|eot_id|>", shown.Output);
        Assert.Matches(@"truncated: [1-6] answers ran past 50 tokens", shown.Output);
        Assert.DoesNotContain("truncated 0", shown.Output);

        var dropped = CliRunner.Run(["score", "--empty-steps", "drop", .. common]);
        Assert.True(dropped.ExitCode == 0, dropped.Error + dropped.Output);
        Assert.Contains("statuses: ok 5, truncated 0, no-complete-step 1", dropped.Output);
        Assert.DoesNotContain("truncated:", dropped.Output);
    }

    [Fact]
    public void Steps_auto_follows_the_style_the_set_was_imported_with()
    {
        var dir = CliRunner.TempDir();
        var file = ImportCommandTests.WriteFile(dir, "set.jsonl", ImportCommandTests.RlhflowFixture);
        var db = Path.Combine(dir, "runs.db");
        Assert.Equal(0, CliRunner.Run("import", "--format", "rlhflow", file, "--store", db, "--style", "mistral").ExitCode);
        var r = CliRunner.Run("score", "--store", db, "--reward-model", RewardModel.Value, "--batch", "2", "--ctx-size", "4096", "--threads", "2");
        Assert.True(r.ExitCode == 0, r.Error + r.Output);
        // Mistral mode splits on "ки\n" only: the blank-line answers of the second problem are one step each (2 without the style).
        Assert.Equal([2, 2, 1, 1, 1, 1], Export(db).Select(l => l.GetProperty("prm_scores").GetArrayLength()));
        using var store = RunStore.Open(db);
        Assert.Contains("\"steps\":\"ki\"", store.Scorers(store.Runs().Single().RunId).Single().ConfigJson);

        var bad = CliRunner.Run("import", "--format", "rlhflow", file, "--store", db, "--style", "qwen");
        Assert.Equal(2, bad.ExitCode);
    }

    [Fact]
    public void Onnx_protocol_scores_through_onnx_runtime_and_exports_orm_scores()
    {
        var (db, dir) = ImportedStore();
        using (var vocab = BestOfN.Llama.LlamaModel.Load(RewardModel.Value, new BestOfN.Llama.LlamaModelOptions { VocabOnly = true }))
            TestSupport.Onnx.TinyOnnxRewardModel.Write(Path.Combine(dir, "rm.onnx"), vocab.VocabSize);
        var r = CliRunner.Run("score", "--store", db, "--reward-model", Path.Combine(dir, "rm.onnx"), "--protocol", "onnx", "--tokenizer", RewardModel.Value,
            "--batch", "4", "--onnx-cpu");
        Assert.True(r.ExitCode == 0, r.Error + r.Output);
        Assert.Contains("6 answers scored", r.Output);
        var lines = Export(db);
        Assert.All(lines, l => Assert.InRange(l.GetProperty("orm_score").GetDouble(), 0, 1));
        Assert.False(lines[0].TryGetProperty("prm_scores", out _));

        var missing = CliRunner.Run("score", "--store", db, "--reward-model", Path.Combine(dir, "rm.onnx"), "--protocol", "onnx");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("--tokenizer", missing.Error);
    }

    [Fact]
    public void Invalid_options_are_listed_together_and_a_multi_token_verdict_is_a_clear_error()
    {
        var (db, _) = ImportedStore();
        var r = CliRunner.Run("score", "--store", db, "--reward-model", RewardModel.Value, "--protocol", "nope", "--steps", "x", "--batch", "0", "--kv", "shared");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--protocol must be", r.Error);
        Assert.Contains("--steps must be", r.Error);
        Assert.Contains("--kv must be", r.Error);

        var plain = CliRunner.Run("score", "--store", db, "--reward-model", CliRunner.TinyModel, "--protocol", "math-shepherd");
        Assert.Equal(2, plain.ExitCode);
        Assert.Contains("tokens", plain.Error);
        Assert.Contains("vocabulary", plain.Error);
    }
}
