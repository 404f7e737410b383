namespace BestOfN.Cli.Tests.Commands;

public class ExperimentCommandTests
{
    private static string Experiment(string generator)
    {
        var folder = CliRunner.TempDir();
        File.Copy(CliRunner.Gsm8kFile(3), Path.Combine(folder, "gsm8k.jsonl"));
        var file = Path.Combine(folder, "exp.yaml");
        File.WriteAllText(file, $$"""
            name: cli
            store: runs.db
            out: report
            datasets:
              gsm8k: { spec: "gsm8k:gsm8k.jsonl" }
            generators:
              {{generator}}
            report: { ks: [1, 2], bootstrap: 20 }
            """);
        return file;
    }

    [Fact]
    public void Dry_run_then_run_then_report_print_the_plan_the_stages_and_the_report_folder()
    {
        var file = Experiment($"tiny: {{ model: \"{CliRunner.TinyModel}\", prompt: raw, n: 2, max_tokens: 8, parallel: 2, threads: 1 }}");
        var folder = Path.GetDirectoryName(file)!;

        var dry = CliRunner.Run("experiment", "run", file, "--dry-run");
        var run = CliRunner.Run("experiment", "run", file);
        var report = CliRunner.Run("experiment", "report", file);

        Assert.True(dry.ExitCode == 0, dry.Error);
        Assert.Contains("to do  sample tiny × gsm8k: 6 samples to draw, ≤ 48 tokens", dry.Output);
        Assert.Contains($"1 of 1 stages to do, about 48 tokens at most; the report goes to {Path.Combine(folder, "report")}", dry.Output);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Matches(@"ran   sample tiny × gsm8k: 6 samples drawn, 0 already stored \(run run-[0-9a-f]{12}\)", run.Output);
        Assert.Contains($"report: {Path.Combine(folder, "report", "index.html")} (6 files in", run.Output);
        Assert.True(report.ExitCode == 0, report.Error);
        Assert.Contains($"report: {Path.Combine(folder, "report", "index.html")}", report.Output);
    }

    [Fact]
    public void A_bad_experiment_file_exits_2_with_one_line_per_error_naming_file_and_line()
    {
        var file = Experiment("tiny: { model: missing.gguf, n: 0, temprature: 1 }");

        var r = CliRunner.Run("experiment", "run", file);

        Assert.Equal(2, r.ExitCode);
        var folder = Path.GetDirectoryName(file)!;
        Assert.Equal(
        [
            $"error: {file}:7: temprature: unknown key in generator 'tiny'; its keys are model, expo, import, n, temperature, top_k, top_p, min_p, max_tokens, parallel, seed, stop, kv, batching, prompt, system, chat_template, fewshot_file, fewshot_k, messages_file, threads, gpu_layers, trained_on, generator_family",
            $"error: {file}:7: model: no file at {Path.Combine(folder, "missing.gguf")}",
            $"error: {file}:7: tiny: --n must be between 1 and 1048576, got 0",
        ], r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')));
        Assert.False(File.Exists(Path.Combine(folder, "runs.db")));
    }
}
